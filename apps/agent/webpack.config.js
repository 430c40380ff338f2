// Bundles the agent, its libs and its npm dependencies into one file, so that the agent's image needs
// no node_modules. Packages that cannot be bundled (native addons) go into `externals` when they arrive.
const path = require('node:path');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');

const root = path.resolve(__dirname, '../..');

module.exports = {
  mode: 'production',
  target: 'node20',
  context: root,
  entry: { main: './apps/agent/src/main.ts' },
  output: { path: path.join(root, 'dist/apps/agent'), filename: '[name].js', clean: true },
  devtool: 'source-map',
  optimization: { minimize: false, nodeEnv: false },
  resolve: {
    extensions: ['.ts', '.js', '.json'],
    plugins: [new TsconfigPathsPlugin({ configFile: path.join(root, 'tsconfig.base.json') })],
  },
  // Optional native speed-ups, absent at run time: ws's (bufferutil, utf-8-validate) and ssh2's (cpu-features and
  // its sshcrypto addon) — both fall back to JavaScript when the require fails.
  externals: [
    {
      bufferutil: 'commonjs bufferutil',
      'utf-8-validate': 'commonjs utf-8-validate',
      'cpu-features': 'commonjs cpu-features',
    },
    ({ request }, callback) =>
      /\.node$/.test(request ?? '') ? callback(null, `commonjs ${request}`) : callback(),
  ],
  externalsPresets: { node: true },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        options: { transpileOnly: true, configFile: path.join(root, 'apps/agent/tsconfig.json') },
      },
    ],
  },
  performance: { hints: false },
  stats: 'errors-warnings',
};
