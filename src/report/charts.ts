/** Plain SVG charts, rendered ahead of time: they need no script and print as they show. */

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const formatNumber = (value: number): string => value.toLocaleString('en-US');

/** Horizontal bars, one per row, longest first as given. */
export function barChart(title: string, rows: ReadonlyArray<{ name: string; count: number }>, options: { max?: number; id?: string } = {}): string {
  const shown = rows.slice(0, options.max ?? 15);
  const rest = rows.length - shown.length;
  const labelWidth = 220;
  const barWidth = 320;
  const rowHeight = 20;
  const height = shown.length * rowHeight + 30;
  const top = Math.max(1, ...shown.map((row) => row.count));
  const bars = shown
    .map((row, i) => {
      const y = 24 + i * rowHeight;
      const width = Math.max(1, Math.round((row.count / top) * barWidth));
      return (
        `<text x="${labelWidth - 6}" y="${y + 13}" text-anchor="end">${escapeHtml(row.name)}</text>` +
        `<rect x="${labelWidth}" y="${y + 2}" width="${width}" height="${rowHeight - 6}" class="bar"><title>${escapeHtml(row.name)}: ${formatNumber(row.count)}</title></rect>` +
        `<text x="${labelWidth + width + 4}" y="${y + 13}">${formatNumber(row.count)}</text>`
      );
    })
    .join('');
  const note = rest > 0 ? `<p class="note">and ${rest} more</p>` : '';
  return (
    `<figure class="chart"${options.id ? ` id="${escapeHtml(options.id)}"` : ''}><svg role="img" aria-label="${escapeHtml(title)}" width="${labelWidth + barWidth + 80}" height="${height}" viewBox="0 0 ${labelWidth + barWidth + 80} ${height}">` +
    `<text x="0" y="14" class="chart-title">${escapeHtml(title)}</text>${bars}</svg>${note}</figure>`
  );
}

/** A line per series over the points, with a dot per point (a single point still shows). */
export function lineChart(
  title: string,
  labels: readonly string[],
  series: ReadonlyArray<{ name: string; values: readonly number[]; className: string }>,
): string {
  const width = 620;
  const height = 200;
  const left = 60;
  const right = 20;
  const top = 28;
  const bottom = 40;
  const top_ = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) => (labels.length <= 1 ? left + (width - left - right) / 2 : left + (i * (width - left - right)) / (labels.length - 1));
  const y = (value: number) => top + (1 - value / top_) * (height - top - bottom);
  const lines = series
    .map((s) => {
      const points = s.values.map((value, i) => `${x(i).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
      const dots = s.values
        .map(
          (value, i) =>
            `<circle cx="${x(i).toFixed(1)}" cy="${y(value).toFixed(1)}" r="3" class="${s.className}"><title>${escapeHtml(labels[i])}: ${escapeHtml(s.name)} ${formatNumber(value)}</title></circle>`,
        )
        .join('');
      return `<polyline points="${points}" class="line ${s.className}"/>${dots}`;
    })
    .join('');
  // The first and last times under the axis (the dots' tooltips give every one).
  const ends = labels.length
    ? `<text x="${left}" y="${height - bottom + 12}">${escapeHtml(labels[0])}</text>` +
      (labels.length > 1 ? `<text x="${width - right}" y="${height - bottom + 12}" text-anchor="end">${escapeHtml(labels[labels.length - 1])}</text>` : '')
    : '';
  const legend = series.map((s, i) => `<text x="${left + i * 150}" y="${height - 6}" class="${s.className}-text">■ ${escapeHtml(s.name)}</text>`).join('');
  return (
    `<figure class="chart"><svg role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<text x="0" y="14" class="chart-title">${escapeHtml(title)}</text>` +
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" class="axis"/>` +
    `<text x="${left - 6}" y="${top + 4}" text-anchor="end">${formatNumber(top_)}</text><text x="${left - 6}" y="${height - bottom}" text-anchor="end">0</text>` +
    `${lines}${ends}${legend}</svg></figure>`
  );
}

/** One stacked bar per group (e.g. compliance by section), its parts in the order given. */
export function stackedBarChart(
  title: string,
  groups: ReadonlyArray<{ name: string; parts: ReadonlyArray<{ name: string; count: number; className: string }> }>,
): string {
  const labelWidth = 160;
  const barWidth = 360;
  const rowHeight = 22;
  const height = groups.length * rowHeight + 30;
  const top = Math.max(1, ...groups.map((g) => g.parts.reduce((sum, p) => sum + p.count, 0)));
  const rows = groups
    .map((group, i) => {
      const y = 24 + i * rowHeight;
      let at = labelWidth;
      const parts = group.parts
        .filter((part) => part.count > 0)
        .map((part) => {
          const width = (part.count / top) * barWidth;
          const rect = `<rect x="${at.toFixed(1)}" y="${y + 2}" width="${width.toFixed(1)}" height="${rowHeight - 6}" class="${part.className}"><title>${escapeHtml(group.name)}: ${part.count} ${escapeHtml(part.name)}</title></rect>`;
          at += width;
          return rect;
        })
        .join('');
      const summary = group.parts.map((part) => `${part.count} ${part.name}`).join(' · ');
      return `<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end">${escapeHtml(group.name)}</text>${parts}<text x="${labelWidth + barWidth + 6}" y="${y + 14}">${escapeHtml(summary)}</text>`;
    })
    .join('');
  return (
    `<figure class="chart"><svg role="img" aria-label="${escapeHtml(title)}" width="${labelWidth + barWidth + 260}" height="${height}" viewBox="0 0 ${labelWidth + barWidth + 260} ${height}">` +
    `<text x="0" y="14" class="chart-title">${escapeHtml(title)}</text>${rows}</svg></figure>`
  );
}
