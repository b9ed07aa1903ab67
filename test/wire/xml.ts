/**
 * Writes fixture data as the XML that AWS's XML protocols send. The fixture's keys are the
 * elements, so a fixture reads like the API Reference's example response:
 *
 * - `Name: { ... }` is `<Name>...</Name>`; a scalar is its text (escaped).
 * - `Name: [a, b]` is a list: wrapped in `<Name>` with one `<member>` (awsQuery) or `<item>` (EC2)
 *   per entry, or, without a default member name (restXml), flattened: `<Name>a</Name><Name>b</Name>`.
 * - `Name/Member: [a, b]` is a list with a named member: `<Name><Member>a</Member><Member>b</Member></Name>`.
 * - `'@attr': value` is an attribute of the enclosing element (`'@xmlns:xsi'`, `'@xsi:type'`), and
 *   `'#text': value` its text, beside attributes (`<LocationConstraint xmlns="...">eu-west-1</...>`).
 * - null and undefined are left out.
 */

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function scalarText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

/** The attributes (`@name` keys) of an object, as ` name="value"`. */
function attributesOf(value: unknown): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return '';
  return Object.entries(value)
    .filter(([key, v]) => key.startsWith('@') && v !== undefined && v !== null)
    .map(([key, v]) => ` ${key.slice(1)}="${scalarText(v)}"`)
    .join('');
}

function contentOf(value: unknown, defaultMember: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object' || value instanceof Date) return scalarText(value);
  if (Array.isArray(value)) throw new Error('a list needs an element name');
  let out = '';
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('@') || child === undefined || child === null) continue;
    out += key === '#text' ? scalarText(child) : elementsOf(key, child, defaultMember);
  }
  return out;
}

/** The element(s) for one fixture key. */
export function elementsOf(key: string, value: unknown, defaultMember: string | undefined): string {
  const slash = key.indexOf('/');
  if (Array.isArray(value)) {
    const wrapper = slash >= 0 ? key.slice(0, slash) : key;
    const member = slash >= 0 ? key.slice(slash + 1) : defaultMember;
    if (!member) return value.map((item) => element(wrapper, item, defaultMember)).join('');
    return `<${wrapper}>${value.map((item) => element(member, item, defaultMember)).join('')}</${wrapper}>`;
  }
  if (slash >= 0) throw new Error(`${key}: a name with a member (Name/Member) needs a list`);
  return element(key, value, defaultMember);
}

function element(name: string, value: unknown, defaultMember: string | undefined): string {
  const content = contentOf(value, defaultMember);
  const attributes = attributesOf(value);
  return content === '' ? `<${name}${attributes}/>` : `<${name}${attributes}>${content}</${name}>`;
}

/** The children of a fixture object, without an enclosing element. */
export function xmlContent(value: unknown, defaultMember: string | undefined): string {
  return contentOf(value, defaultMember);
}
