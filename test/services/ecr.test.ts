import test from 'ava';
import { describeLimited } from '../../src/collectors/limits';
import {
  convertEcrBasicFinding,
  convertEcrEnhancedFinding,
  convertEcrImage,
  convertEcrRepository,
  convertEcrRepositoryPolicy,
  mostRecentImages,
  repositoryPolicyDocument,
} from '../../src/services/ecr/converters';
import type { WorldImage } from '../../src/services/ecr/sim/simulator';
import { builtinWorld, graphIssues, simulate, temporaryDirectory } from '../helpers/simulate';

const scope = { accountId: '012345678910', region: 'us-west-2' };
const repositoryArn = 'arn:aws:ecr:us-west-2:012345678910:repository/ubuntu';

// Shapes from the ECR API Reference examples (DescribeRepositories, DescribeImages, DescribeImageScanFindings, GetRepositoryPolicy).
const repository = convertEcrRepository(
  {
    registryId: '012345678910',
    repositoryName: 'ubuntu',
    repositoryArn,
    repositoryUri: '012345678910.dkr.ecr.us-west-2.amazonaws.com/ubuntu',
    createdAt: new Date(1563221283 * 1000),
    imageTagMutability: 'MUTABLE',
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfiguration: { encryptionType: 'AES256' },
  },
  scope,
  [{ Key: 'team', Value: 'platform' }],
  { policyText: '', imageCount: 2 },
);

test('convertEcrRepository: scanning, encryption, tags, epoch dates, not public without a policy', (t) => {
  t.deepEqual(repository._class, ['Repository']);
  t.like(repository, {
    _key: repositoryArn,
    name: 'ubuntu',
    scanOnPush: true,
    encrypted: true,
    encryptionType: 'AES256',
    imageTagMutability: 'MUTABLE',
    public: false,
    imageCount: 2,
    createdOn: 1563221283000,
    'tag.team': 'platform',
  });
  const denied = convertEcrRepository({ repositoryArn, repositoryName: 'ubuntu' }, scope, undefined, {});
  t.is(denied.public, undefined, 'a policy that could not be read leaves `public` unknown');
});

test('the repository policy names the repository as Resource where its statements name none, and says whether it is public', (t) => {
  const text = JSON.stringify({
    Version: '2008-10-17',
    Statement: [
      { Sid: 'pull', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] },
      { Sid: 'deny', Effect: 'Deny', Principal: '*', Action: 'ecr:DeleteRepository', Resource: 'arn:aws:ecr:us-west-2:012345678910:repository/*' },
    ],
  });
  const document = JSON.parse(repositoryPolicyDocument(text, repositoryArn) ?? '{}') as { Statement: Array<{ Resource?: string }> };
  t.is(document.Statement[0].Resource, repositoryArn);
  t.is(document.Statement[1].Resource, 'arn:aws:ecr:us-west-2:012345678910:repository/*');
  const policy = convertEcrRepositoryPolicy(repository, text);
  t.deepEqual(policy._class, ['AccessPolicy']);
  t.like(policy, { _key: `${repositoryArn}|policy`, repositoryArn });
  const everyone = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }] });
  t.true(convertEcrRepository({ repositoryArn, repositoryName: 'ubuntu' }, scope, undefined, { policyText: everyone }).public);
  t.is(repositoryPolicyDocument('not json', repositoryArn), 'not json');
});

const imageDetail = {
  registryId: '012345678910',
  repositoryName: 'ubuntu',
  imageDigest: 'sha256:4f70ef7a4d29e8c0c302b13e25962d8f7a0bd304c4c2c1e8e4d1e5d8b1f6a9c3',
  imageTags: ['precise'],
  imageSizeInBytes: 64593338,
  imagePushedAt: new Date(1563221883 * 1000),
  imageScanStatus: { status: 'COMPLETE' as const, description: 'The scan was completed successfully.' },
  imageScanFindingsSummary: { imageScanCompletedAt: new Date(1563221943 * 1000), findingSeverityCounts: { HIGH: 1, LOW: 2 } },
};

test('convertEcrImage and the findings of its scan, basic and enhanced', (t) => {
  const image = convertEcrImage(imageDetail, repository, scope);
  t.deepEqual(image._class, ['Image']);
  t.like(image, {
    _key: `${repositoryArn}@${imageDetail.imageDigest}`,
    name: 'ubuntu:precise',
    highFindings: 1,
    lowFindings: 2,
    scanStatus: 'COMPLETE',
    createdOn: 1563221883000,
  });
  const basic = convertEcrBasicFinding(
    {
      name: 'CVE-2019-5188',
      description: 'A code execution vulnerability exists in the directory rehashing functionality of E2fsprogs e2fsck 1.45.4.',
      uri: 'http://people.ubuntu.com/~ubuntu-security/cve/CVE-2019-5188',
      severity: 'MEDIUM',
      attributes: [
        { key: 'package_version', value: '1.44.1-1ubuntu1.1' },
        { key: 'package_name', value: 'e2fsprogs' },
        { key: 'CVSS2_SCORE', value: '4.6' },
      ],
    },
    image,
  );
  t.deepEqual(basic._class, ['Finding']);
  t.like(basic, { name: 'CVE-2019-5188', severity: 'medium', numericSeverity: 5, open: true, packageName: 'e2fsprogs', score: 4.6, scanType: 'basic' });
  const enhanced = convertEcrEnhancedFinding(
    {
      awsAccountId: '012345678910',
      findingArn: 'arn:aws:inspector2:us-west-2:012345678910:finding/0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      title: 'CVE-2023-4911 - glibc',
      severity: 'HIGH',
      status: 'CLOSED',
      score: 7.8,
      firstObservedAt: new Date('2024-01-02T00:00:00Z'),
      packageVulnerabilityDetails: { vulnerabilityId: 'CVE-2023-4911', source: 'UBUNTU_CVE', vulnerablePackages: [{ name: 'glibc', version: '2.35' }] },
    },
    image,
  );
  t.like(enhanced, {
    name: 'CVE-2023-4911 - glibc',
    severity: 'high',
    numericSeverity: 7,
    open: false,
    vulnerabilityId: 'CVE-2023-4911',
    scanType: 'enhanced',
  });
});

test('mostRecentImages keeps the N most recently pushed', (t) => {
  const at = (day: number, digest: string) => ({ imageDigest: digest, imagePushedAt: new Date(Date.UTC(2024, 0, day)) });
  t.deepEqual(
    mostRecentImages([at(1, 'a'), at(3, 'b'), at(2, 'c'), at(3, 'd')], 3).map((image) => image.imageDigest),
    ['b', 'd', 'c'],
  );
});

const ECR = 'arn:aws:ecr:us-east-1:222222222222:repository';
const NEWEST = `${ECR}/orders-web@sha256:6d0a6f2c1f4b3e9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f50`;
const OLDER = `${ECR}/orders-web@sha256:5c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c41`;

test('the simulated organization yields repositories, images, findings and the policies’ ALLOWS edges', async (t) => {
  const world = builtinWorld();
  world.behaviour = { ...world.behaviour, pageSize: 1 };
  const { graph, summary } = await simulate(world);
  t.deepEqual(
    graph
      .entitiesOfType('aws_ecr_repository')
      .map((r) => r.name)
      .sort(),
    ['orders-web', 'public-tools'],
  );
  t.like(graph.getEntity(`${ECR}/public-tools`), { public: true, scanOnPush: false });
  t.like(graph.getEntity(`${ECR}/orders-web`), { public: false, imageCount: 3, 'tag.team': 'orders', owner: 'orders@acme.example' });
  t.is(graph.entitiesOfType('aws_ecr_image').filter((i) => String(i._key).startsWith(`${ECR}/orders-web@`)).length, 3);
  t.is(graph.entitiesOfType('aws_ecr_image_scan_finding').filter((f) => f.imageKey === NEWEST).length, 2);
  const edges = new Set([...graph.allRelationships()].map((r) => `${r._fromEntityKey} ${r._class} ${r._toEntityKey}`));
  t.true(edges.has(`aws:222222222222:service:ecr HAS ${ECR}/orders-web`));
  t.true(edges.has(`${ECR}/orders-web HAS ${NEWEST}`));
  t.true(edges.has(`${NEWEST} HAS ${NEWEST}|finding/CVE-2023-4911`));
  t.true(edges.has(`${ECR}/orders-web HAS ${ECR}/orders-web|policy`));
  const allows = [...graph.allRelationships()].find((r) => r._fromEntityKey === `${ECR}/orders-web|policy` && r._class === 'ALLOWS');
  t.is(allows?._toEntityKey, `${ECR}/orders-web`);
  t.true(String(allows?.principals).includes('333333333333'));
  t.deepEqual(summary.errors, []);
  t.deepEqual(graphIssues(graph), []);
});

test('collection.ecrImagesPerRepository keeps the most recent images; findings are never deleted by a later run', async (t) => {
  const outputDir = temporaryDirectory();
  const config = { services: { include: ['ecr'] } };
  const first = await simulate(builtinWorld(), { outputDir, config });
  t.truthy(first.graph.getEntity(`${OLDER}|finding/CVE-2023-5678`));

  // Later: the newest image's latest scan no longer reports CVE-2023-44487, and only one image per repository is collected.
  const world = builtinWorld();
  const images = (world.accounts.find((a) => a.id === '222222222222')?.regions?.['us-east-1']?.ecr as { images: WorldImage[] }).images;
  const newest = images.find((image) => image.imageDigest && NEWEST.endsWith(image.imageDigest)) as WorldImage;
  newest.findings = newest.findings?.filter((finding) => finding.name !== 'CVE-2023-44487');
  const second = await simulate(world, { outputDir, config: { ...config, collection: { ecrImagesPerRepository: 1 } } });
  const { graph, summary } = second;
  t.falsy(graph.getEntity(OLDER), 'the older image is past the limit');
  t.deepEqual(summary.limited, [{ limit: 'ecrImagesPerRepository', _type: 'aws_ecr_image', value: 1, parents: 1, skipped: 2 }]);
  // Both findings stay: carried forward (stale), the one of a still-collected image with its edge.
  t.like(graph.getEntity(`${NEWEST}|finding/CVE-2023-44487`), { _stale: true, severity: 'high' });
  t.like(graph.getEntity(`${OLDER}|finding/CVE-2023-5678`), { _stale: true });
  t.truthy(graph.getRelationship([...graph.allRelationships()].find((r) => r._toEntityKey === `${NEWEST}|finding/CVE-2023-44487`)?._key ?? ''));
  t.falsy(graph.getEntity(`${NEWEST}|finding/CVE-2023-4911`)?._stale, 'a finding still reported is refreshed');
  t.is(graph.entitiesOfType('aws_ecr_image_scan_finding').length, first.graph.entitiesOfType('aws_ecr_image_scan_finding').length);
});

test('the printed summary says what each collection limit left out', (t) => {
  t.deepEqual(describeLimited([{ limit: 'ecrImagesPerRepository', _type: 'aws_ecr_image', value: 20, parents: 1, skipped: 7 }]), [
    '  aws_ecr_image: 7 not collected in 1 repository beyond collection.ecrImagesPerRepository = 20 (the most recently pushed are kept)',
  ]);
});
