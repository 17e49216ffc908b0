// Runs the changesets CLI on Node 20. @changesets/cli 3 calls module.enableCompileCache (Node 22+)
// in its bin script; this shim skips that optional speed-up and starts the CLI itself.
await import('@changesets/cli');
