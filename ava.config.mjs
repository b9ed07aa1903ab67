// Pulumi closure serialization fails inside worker threads, so every test file runs in a child process.
export default {
  files: ['test/**/*.test.ts'],
  extensions: { ts: 'commonjs' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '120s',
  concurrency: 2,
  // The SDK warns about Node 20 on every client; it is noise in test output.
  environmentVariables: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
};
