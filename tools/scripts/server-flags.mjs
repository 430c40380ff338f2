// V8 flags the server runs with (npm start, the benchmarks; apps/server/Dockerfile repeats them).
// A 4 MB young-generation semi-space keeps the idle footprint near 115 MB RSS instead of ~140 MB; the
// server's per-request garbage is small and short-lived, so scavenges stay cheap (throughput unchanged).
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4'];
