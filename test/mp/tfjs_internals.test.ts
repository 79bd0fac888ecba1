import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { BackendError, useBackend } from '../../src/mp';
import {
  activeWasmBackend,
  checkTfjsVersions,
  registeredVariables,
  shareData,
  SUPPORTED_TFJS,
  tfjsKernel,
} from '../../src/mp/tfjs_internals';

const ROOT = path.join(__dirname, '../..');
const json = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

describe('the tfjs internals module', () => {
  before(async () => {
    await useBackend('cpu');
  });

  it('accepts the supported release, and names it where another one is installed', () => {
    expect(() => checkTfjsVersions({ '@tensorflow/tfjs-core': SUPPORTED_TFJS })).not.to.throw();
    expect(() => checkTfjsVersions({ '@tensorflow/tfjs-core': '4.21.0', '@tensorflow/tfjs-backend-wasm': '4.22.0' }))
      .to.throw(BackendError, `needs tfjs ${SUPPORTED_TFJS} exactly`)
      .with.property('message')
      .that.contains('Installed: @tensorflow/tfjs-core 4.21.0.')
      .and.contains(`Install @tensorflow/tfjs-core@${SUPPORTED_TFJS}.`);
  });

  it('is the release package.json pins, exactly, and the lockfile and node_modules hold', () => {
    const pkg = json('package.json') as { dependencies: Record<string, string> };
    const lock = json('package-lock.json') as { packages: Record<string, { version: string }> };
    const tfjs = Object.keys(pkg.dependencies).filter((name) => name.startsWith('@tensorflow/'));
    expect(tfjs).to.include.members(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']);
    for (const name of tfjs) {
      expect(pkg.dependencies[name], name).to.equal(SUPPORTED_TFJS);
      expect(lock.packages[`node_modules/${name}`]?.version, name).to.equal(SUPPORTED_TFJS);
    }
    expect(tf.version_core).to.equal(SUPPORTED_TFJS);
  });

  it("finds tfjs's own kernels, and says which one is missing", () => {
    expect(tfjsKernel('BatchMatMul', 'cpu').kernelName).to.equal('BatchMatMul');
    expect(() => tfjsKernel('NoSuchKernel', 'cpu')).to.throw(BackendError, /NoSuchKernel kernel on cpu/);
  });

  it('shares a tensor’s data without a copy, and lists the variables', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]), false, 'tfjs_internals_test');
    const buffers = tf.memory().numDataBuffers;
    const shared = shareData(v);
    expect(tf.memory().numDataBuffers, 'no new buffer').to.equal(buffers);
    expect(shared.dataId).to.equal(v.dataId);
    expect(Array.from(shared.dataSync())).to.deep.equal([1, 2, 3]);
    expect(registeredVariables()['tfjs_internals_test']).to.equal(v);
    tf.dispose([shared, v]);
  });

  it('refuses the wasm backend’s storage while another backend runs', () => {
    expect(() => activeWasmBackend()).to.throw(BackendError, /wasm backend is not the active one \(cpu is\)/);
  });
});
