/** This tool, as snapshots and `orggraph --version` name it. */
export const TOOL = { name: 'aws-org-graph', version: '0.1.0' };
