// Runs inside the lab's switch namespace (ip netns exec capsw node relay.cjs DIR HOST:PORT...): one unix
// socket per target, DIR/relay-<i>.sock, each piping to HOST:PORT. The host cannot route to the lab's /24, but
// it shares the filesystem, so tests reach the lab's published ports through these sockets.
const net = require('node:net');
const fs = require('node:fs');
const [dir, ...targets] = process.argv.slice(2);
targets.forEach((t, i) => {
  const [host, port] = t.split(':');
  const path = `${dir}/relay-${i + 1}.sock`;
  fs.rmSync(path, { force: true });
  net
    .createServer((c) => {
      const up = net.connect(Number(port), host);
      c.pipe(up).pipe(c);
      up.on('error', () => c.destroy());
      c.on('error', () => up.destroy());
    })
    .listen(path, () => console.log(`relay ${path} -> ${t}`));
});
