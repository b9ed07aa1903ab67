import * as path from 'node:path';
import type { AwsServiceModule } from '../types';
import { wafClassicRegionalWebAclsCollector, wafClassicWebAclsCollector, wafV2CloudFrontWebAclsCollector, wafV2RegionalWebAclsCollector } from './collectors';
import { WAF_RATE_LIMITS, WAF_V2_RATE_LIMITS } from './rate-limits';
import { WafEntities, WafV2Entities } from './schema';
import { wafRegionalSimulator, wafSimulator, wafV2Simulator } from './sim/simulator';

/**
 * WAF Classic (`aws_waf`): its global (CloudFront) and regional web ACLs. Support ended on
 * 2025-09-30; where AWS has retired its API the account's `aws_waf` says so (docs/waf.md).
 */
export const wafService: AwsServiceModule = {
  service: 'waf',
  title: 'WAF Classic',
  serviceEntity: WafEntities.SERVICE,
  serviceFunctions: ['WAF'],
  rateLimits: WAF_RATE_LIMITS,
  collectors: [wafClassicWebAclsCollector, wafClassicRegionalWebAclsCollector],
  simulators: [wafSimulator, wafRegionalSimulator],
  demoWorldFragment: path.join(__dirname, 'sim', 'demo-world.yaml'),
};

/** WAF (v2, `aws_waf_v2`): REGIONAL web ACLs in every region, CLOUDFRONT ones in us-east-1. One demo fragment serves both modules. */
export const wafV2Service: AwsServiceModule = {
  service: 'waf_v2',
  title: 'WAF',
  serviceEntity: WafV2Entities.SERVICE,
  serviceFunctions: ['WAF'],
  rateLimits: WAF_V2_RATE_LIMITS,
  collectors: [wafV2RegionalWebAclsCollector, wafV2CloudFrontWebAclsCollector],
  simulators: [wafV2Simulator],
};
