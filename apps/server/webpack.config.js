// Bundles the server and its libs into one file. Native and optional packages stay external.
const path = require('node:path');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');
const nodeExternals = require('webpack-node-externals');

const root = path.resolve(__dirname, '../..');

module.exports = {
  mode: 'production',
  target: 'node20',
  context: root,
  entry: { main: './apps/server/src/main.ts' },
  output: { path: path.join(root, 'dist/apps/server'), filename: '[name].js', clean: true },
  devtool: 'source-map',
  optimization: { minimize: false, nodeEnv: false },
  resolve: {
    extensions: ['.ts', '.js', '.json'],
    plugins: [new TsconfigPathsPlugin({ configFile: path.join(root, 'tsconfig.base.json') })],
  },
  externals: [nodeExternals({ modulesDir: path.join(root, 'node_modules') })],
  externalsPresets: { node: true },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        options: { transpileOnly: true, configFile: path.join(root, 'apps/server/tsconfig.json') },
      },
    ],
  },
  performance: { hints: false },
  stats: 'errors-warnings',
};
