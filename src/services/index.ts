import { registerRateLimits } from '../aws/rate-limits';
import type { Collector } from '../collectors/types';
import { coreSimulators } from '../sim/core-services';
import type { ServiceSimulator } from '../sim/types';
import { createAccountService } from './account';
import { accessAnalyzerService } from './accessanalyzer';
import { batchService } from './batch';
import { cloudWatchService } from './cloudwatch';
import { configService } from './config';
import { autoScalingService } from './autoscaling';
import { dynamoDbService } from './dynamodb';
import { ec2Service } from './ec2';
import { efsService } from './efs';
import { elastiCacheService } from './elasticache';
import { elasticsearchService } from './elasticsearch';
import { guardDutyService } from './guardduty';
import { elasticLoadBalancingService } from './elasticloadbalancing';
import { iamService } from './iam';
import { ecrService } from './ecr';
import { ecsService } from './ecs';
import { eksService } from './eks';
import { inspectorService } from './inspector';
import { acmService } from './acm';
import { cloudTrailService } from './cloudtrail';
import { kmsService } from './kms';
import { lambdaService } from './lambda';
import { createMappingsService, MAPPINGS_SERVICE, withMappings, type MappingOptions } from '../analysis/mappings';
import { rdsService } from './rds';
import { redshiftService } from './redshift';
import { route53Service } from './route53';
import { cloudFrontService } from './cloudfront';
import { apiGatewayService } from './apigateway';
import { s3Service } from './s3';
import { workspacesService } from './workspaces';
import { transferService } from './transfer';
import { snsService } from './sns';
import { sqsService } from './sqs';
import { securityHubService } from './securityhub';
import { wafService, wafV2Service } from './waf';
import { cloudFormationService } from './cloudformation';
import { organizationsService } from './organizations';
import type { AwsServiceModule, ServiceModule } from './types';

export type { AwsServiceModule, ServiceModule } from './types';

/** AWS services with collectors, in documentation order. Adding a service means adding it here. */
export const awsServices: readonly AwsServiceModule[] = [
  iamService,
  ec2Service,
  s3Service,
  kmsService,
  acmService,
  lambdaService,
  rdsService,
  dynamoDbService,
  elastiCacheService,
  redshiftService,
  elasticsearchService,
  ecsService,
  ecrService,
  eksService,
  batchService,
  cloudWatchService,
  configService,
  guardDutyService,
  inspectorService,
  accessAnalyzerService,
  route53Service,
  cloudFrontService,
  apiGatewayService,
  elasticLoadBalancingService,
  autoScalingService,
  efsService,
  workspacesService,
  transferService,
  snsService,
  sqsService,
  cloudTrailService,
  securityHubService,
  wafService,
  wafV2Service,
  cloudFormationService,
];

/** All service modules, the account module (which needs to know the others) first, the mappings (which read them all) last. */
export const serviceModules: readonly ServiceModule[] = [
  createAccountService(awsServices),
  ...awsServices,
  // Organization-mode facts on `aws_account`: no `aws_<service>` entity, so not among the AWS services.
  organizationsService,
  createMappingsService(awsServices),
];

for (const module of serviceModules) registerRateLimits(module.rateLimits ?? []);

export function allCollectors(): Collector[] {
  return serviceModules.flatMap((module) => module.collectors);
}

export function allSimulators(): ServiceSimulator[] {
  return [...coreSimulators, ...serviceModules.flatMap((module) => module.simulators)];
}

/**
 * Collectors to run for a service selection. Dependencies of selected collectors are added even when
 * their service is excluded: a collector cannot produce its relationships without them.
 */
export function selectCollectors(selection: { include?: string[]; exclude?: string[] } = {}, options: MappingOptions = {}): Collector[] {
  const all = allCollectors();
  const byId = new Map(all.map((collector) => [collector.id, collector]));
  const include = selection.include?.length ? new Set(selection.include) : undefined;
  const exclude = new Set(selection.exclude ?? []);
  const chosen = new Set<string>();
  const wanted = (service: string) => service === 'account' || ((!include || include.has(service)) && !exclude.has(service));
  const add = (collector: Collector) => {
    if (chosen.has(collector.id)) return;
    chosen.add(collector.id);
    for (const dependency of collector.dependsOn) {
      const upstream = byId.get(dependency);
      // A collector needs its own service's collectors; another service's is waited for only when
      // that service is selected too. Excluding a service never pulls it back in: edges to its types
      // are named by key and resolved at write, against this run's graph and what it carries forward.
      if (upstream && (upstream.service === collector.service || wanted(upstream.service))) add(upstream);
    }
  };
  for (const collector of all) {
    if (collector.service === MAPPINGS_SERVICE) continue; // added below, over whatever was selected
    if (wanted(collector.service)) add(collector);
  }
  const selected = all
    .filter((collector) => chosen.has(collector.id))
    .map((collector) =>
      collector.dependsOn.every((id) => chosen.has(id)) ? collector : { ...collector, dependsOn: collector.dependsOn.filter((id) => chosen.has(id)) },
    );
  return withMappings(selected, awsServices, selection, options);
}

/** Validates that declarations are consistent: unique ids, known dependencies, no cycles. */
export function checkDeclarations(collectors: readonly Collector[] = allCollectors()): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const collector of collectors) {
    if (ids.has(collector.id)) problems.push(`duplicate collector id ${collector.id}`);
    ids.add(collector.id);
  }
  for (const collector of collectors) {
    for (const dependency of collector.dependsOn) if (!ids.has(dependency)) problems.push(`${collector.id} depends on unknown ${dependency}`);
  }
  const visiting = new Set<string>();
  const visited = new Set<string>();
  const byId = new Map(collectors.map((c) => [c.id, c]));
  const visit = (id: string, path: string[]) => {
    if (visited.has(id)) return;
    if (visiting.has(id)) {
      problems.push(`dependency cycle: ${[...path, id].join(' -> ')}`);
      return;
    }
    visiting.add(id);
    for (const dependency of byId.get(id)?.dependsOn ?? []) visit(dependency, [...path, id]);
    visiting.delete(id);
    visited.add(id);
  };
  for (const collector of collectors) visit(collector.id, []);
  return problems;
}
