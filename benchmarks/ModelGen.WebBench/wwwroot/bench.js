// The browser benchmark: the same MNIST MLP and convnet weights in ModelGen (.NET WebAssembly), ONNX Runtime
// Web (its WebAssembly backend) and TensorFlow.js (its wasm and cpu backends), on one thread each. The runner
// (ModelGen.WebBench.Runner) serves this page with models/ (safetensors, ONNX, 1000 MNIST test images) and
// npm/ (the engines' packages), opens it in headless Chromium and reads window.benchResult.
import { dotnet } from './_framework/dotnet.js';
import * as ort from './npm/onnxruntime-web/dist/ort.wasm.min.mjs';

const params = new URLSearchParams(location.search);
const quick = params.has('quick');
const tolerance = Number(params.get('tolerance') ?? 1e-4);
// Each repetition of single predictions runs about this long; a measurement stops after its budget (but not
// before minReps repetitions) or after maxReps.
const repetitionMs = quick ? 20 : 50;
const singleBudgetMs = quick ? 1000 : 6000;
const batchBudgetMs = quick ? 3000 : 20000;
const minReps = quick ? 3 : 5;
const maxReps = quick ? 7 : 21;
const batchSize = 1000;
const checkSamples = 8;

const logElement = document.getElementById('log');
function log(text) {
  console.log(text);
  logElement.textContent += '\n' + text;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function fetchBytes(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// safetensors: an 8-byte little-endian header length, a JSON header, then the tensors' bytes.
function readSafetensors(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const tensors = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (entry.dtype !== 'F32') throw new Error(`${name}: dtype ${entry.dtype}`);
    const [begin, end] = entry.data_offsets;
    const copy = bytes.slice(8 + headerLength + begin, 8 + headerLength + end);
    tensors[name] = { shape: entry.shape, data: new Float32Array(copy.buffer) };
  }
  return tensors;
}

// PyTorch's Linear [out, in] → Keras' kernel [in, out].
function linearToKeras({ shape: [out, inputs], data }) {
  const kernel = new Float32Array(inputs * out);
  for (let o = 0; o < out; o++) for (let i = 0; i < inputs; i++) kernel[i * out + o] = data[o * inputs + i];
  return tf.tensor2d(kernel, [inputs, out]);
}

// PyTorch's Conv2d [O, I, kh, kw] → Keras' kernel [kh, kw, I, O].
function convToKeras({ shape: [o, c, kh, kw], data }) {
  const kernel = new Float32Array(o * c * kh * kw);
  for (let f = 0; f < o; f++) for (let i = 0; i < c; i++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++)
    kernel[((y * kw + x) * c + i) * o + f] = data[((f * c + i) * kh + y) * kw + x];
  return tf.tensor4d(kernel, [kh, kw, c, o]);
}

// A Linear after a flatten of a channels-last image [h, w, c]: the file's inputs are in PyTorch's (NCHW) flatten
// order, c·h·w, Keras flattens h·w·c.
function linearAfterImageToKeras({ shape: [out, inputs], data }, h, w, c) {
  if (inputs !== h * w * c) throw new Error('flatten size');
  const kernel = new Float32Array(inputs * out);
  for (let o = 0; o < out; o++) for (let ch = 0; ch < c; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++)
    kernel[((y * w + x) * c + ch) * out + o] = data[o * inputs + (ch * h + y) * w + x];
  return tf.tensor2d(kernel, [inputs, out]);
}

const models = [
  {
    id: 0, key: 'mlp', name: 'MLP 784-128-10', inputSize: 784, outputSize: 10, ortShape: [784],
    buildTf(tensors) {
      const model = tf.sequential({ layers: [
        tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ] });
      model.setWeights([linearToKeras(tensors['Hidden.weight']), tf.tensor1d(tensors['Hidden.bias'].data),
        linearToKeras(tensors['Output.weight']), tf.tensor1d(tensors['Output.bias'].data)]);
      return { model, shape: [784] };
    },
  },
  {
    id: 1, key: 'convnet', name: 'Convnet (Keras MNIST)', inputSize: 784, outputSize: 10, ortShape: [28, 28, 1],
    buildTf(tensors) {
      const model = tf.sequential({ layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ] });
      model.setWeights([convToKeras(tensors['Conv1.weight']), tf.tensor1d(tensors['Conv1.bias'].data),
        convToKeras(tensors['Conv2.weight']), tf.tensor1d(tensors['Conv2.bias'].data),
        linearAfterImageToKeras(tensors['Dense1.weight'], 5, 5, 64), tf.tensor1d(tensors['Dense1.bias'].data)]);
      return { model, shape: [28, 28, 1] };
    },
  },
];

// Times fn (async or not) over repetitions of `calls` calls each; returns ms per call (median, min) and the count.
async function measure(fn, calls, budgetMs) {
  const times = [];
  const start = performance.now();
  while (times.length < maxReps && (times.length < minReps || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await fn(i);
    times.push((performance.now() - t0) / calls);
  }
  return { median: median(times), min: Math.min(...times), repetitions: times.length, callsPerRepetition: calls };
}

// Enough calls per repetition that it runs about repetitionMs (performance.now() is coarse without isolation).
async function callsFor(fn) {
  let calls = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await fn(i);
    const elapsed = performance.now() - t0;
    if (elapsed >= repetitionMs / 4 || calls >= 100000) return Math.max(1, Math.ceil(calls * repetitionMs / Math.max(elapsed, 0.01)));
    calls *= 4;
  }
}

// Warm-up, then the single-prediction and batch measurements of one engine on one model.
async function benchEngine(engine, inputs) {
  const samples = inputs.length / 784;
  const single = (i) => engine.single(inputs.subarray((i % samples) * 784, (i % samples + 1) * 784));
  for (let i = 0; i < 50; i++) await single(i);
  await engine.batch(inputs);
  const calls = await callsFor(single);
  const singleTime = await measure(single, calls, singleBudgetMs);
  const batchTime = await measure(() => engine.batch(inputs), 1, batchBudgetMs);
  return { single: singleTime, batch: batchTime };
}

function maxDifference(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function main() {
  const runtime = await dotnet.create();
  const exports = await runtime.getAssemblyExports(runtime.getConfig().mainAssemblyName);
  const bench = exports.ModelGen.WebBench.Bench;
  const info = JSON.parse(bench.Info());
  log('ModelGen: ' + JSON.stringify(info));

  ort.env.wasm.wasmPaths = new URL('npm/onnxruntime-web/dist/', location.href).href;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  tf.wasm.setWasmPaths(new URL('npm/@tensorflow/tfjs-backend-wasm/dist/', location.href).href);
  tf.enableProdMode();

  const inputs = new Float32Array((await fetchBytes('models/inputs.bin')).buffer);
  if (inputs.length !== batchSize * 784) throw new Error(`inputs.bin holds ${inputs.length} floats`);

  if (params.has('profile')) {
    // Where ModelGen's time goes (the runner's --profile): kernels and inner-loop variants timed inside .NET.
    for (const model of models) {
      bench.Load(model.id, await fetchBytes(`models/${model.key}.safetensors`));
      runtime.localHeapViewF32().set(inputs, bench.InputAddress(model.id) >> 2);
    }
    return { profile: exports.ModelGen.WebBench.Profiling.Run(bench.InputAddress(0)), modelgen: info };
  }
  const result = {
    userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency,
    modelgen: info, ort: { version: ort.env.versions?.web ?? '?', numThreads: 1 }, tfjs: { version: tf.version.tfjs },
    tolerance, quick, checks: [], timings: [],
  };

  for (const model of models) {
    if (params.has('only') && params.get('only') !== model.key) continue;
    const safetensors = await fetchBytes(`models/${model.key}.safetensors`);
    const onnx = await fetchBytes(`models/${model.key}.onnx`);
    const tensors = readSafetensors(safetensors);
    bench.Load(model.id, safetensors);

    const inputAddress = bench.InputAddress(model.id) >> 2, outputAddress = bench.OutputAddress(model.id) >> 2;
    const modelgen = {
      name: 'ModelGen (.NET wasm)',
      single(x) {
        runtime.localHeapViewF32().set(x, inputAddress);
        bench.Predict(model.id);
        return runtime.localHeapViewF32().slice(outputAddress, outputAddress + model.outputSize);
      },
      batch(x) {
        runtime.localHeapViewF32().set(x, inputAddress);
        const n = x.length / model.inputSize;
        bench.PredictBatch(model.id, n);
        return runtime.localHeapViewF32().slice(outputAddress, outputAddress + n * model.outputSize);
      },
    };

    const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const onnxruntime = {
      name: 'ONNX Runtime Web (wasm)',
      async single(x) {
        const out = await session.run({ input: new ort.Tensor('float32', x, [1, ...model.ortShape]) });
        return out.output.data;
      },
      async batch(x) {
        const out = await session.run({ input: new ort.Tensor('float32', x, [x.length / model.inputSize, ...model.ortShape]) });
        return out.output.data;
      },
    };

    const engines = [modelgen, onnxruntime];
    for (const backend of ['wasm', 'cpu']) {
      engines.push({
        name: `TensorFlow.js (${backend})`,
        backend,
        async prepare() {
          await tf.setBackend(backend);
          await tf.ready();
          this.tf = model.buildTf(tensors);
        },
        single(x) {
          const y = tf.tidy(() => this.tf.model.predict(tf.tensor(x, [1, ...this.tf.shape])));
          const data = y.dataSync();
          y.dispose();
          return data;
        },
        batch(x) {
          const y = tf.tidy(() => this.tf.model.predict(tf.tensor(x, [x.length / model.inputSize, ...this.tf.shape])));
          const data = y.dataSync();
          y.dispose();
          return data;
        },
        finish() {
          this.tf.model.dispose();
        },
      });
    }

    // Every engine's probabilities against ModelGen's: single samples and the whole batch.
    const reference = [];
    for (let s = 0; s < checkSamples; s++) reference.push(modelgen.single(inputs.subarray(s * 784, (s + 1) * 784)));
    const referenceBatch = modelgen.batch(inputs);
    // A fingerprint of ModelGen's batch outputs' bits: a kernel change meant to keep the numbers keeps it.
    let hash = 0x811c9dc5;
    for (const word of new Uint32Array(referenceBatch.buffer, referenceBatch.byteOffset, referenceBatch.length)) hash = Math.imul(hash ^ word, 0x01000193) >>> 0;
    result.checks.push({ model: model.key, engine: 'ModelGen batch outputs, FNV-1a of the bits', fingerprint: hash.toString(16).padStart(8, '0'), ok: true });
    log(`${model.name}: ModelGen's batch outputs fingerprint ${hash.toString(16).padStart(8, '0')}`);
    for (let s = 0; s < checkSamples; s++) {
      const d = maxDifference(reference[s], referenceBatch.subarray(s * 10, s * 10 + 10));
      if (d !== 0) log(`note: ModelGen Predict and PredictBatch differ by ${d} on sample ${s}`);
    }
    for (const engine of engines) {
      if (engine.prepare) await engine.prepare();
      let worst = 0;
      for (let s = 0; s < checkSamples; s++) worst = Math.max(worst, maxDifference(await engine.single(inputs.subarray(s * 784, (s + 1) * 784)), reference[s]));
      worst = Math.max(worst, maxDifference(await engine.batch(inputs), referenceBatch));
      result.checks.push({ model: model.key, engine: engine.name, maxAbsDifference: worst, ok: worst <= tolerance });
      log(`${model.name} / ${engine.name}: largest probability difference from ModelGen ${worst.toExponential(2)}`);
      if (engine.finish) engine.finish();
    }
    if (result.checks.some(c => !c.ok)) {
      result.failed = 'an engine disagrees with ModelGen beyond the tolerance';
      break;
    }

    if (params.has('check')) continue; // the runner's --check: agreement and fingerprints only

    // ModelGen alone, inside .NET: no JavaScript call per prediction; and its allocations per call.
    const insideCalls = Math.max(10, Math.round(await callsFor(modelgen.single) / 2));
    const inside = [];
    for (let r = 0; r < maxReps; r++) inside.push(bench.TimeInside(model.id, insideCalls) / insideCalls);
    const before = bench.AllocatedBytes();
    bench.TimeInside(model.id, 100);
    const allocatedPerCall = (bench.AllocatedBytes() - before) / 100;
    result.timings.push({ model: model.key, engine: 'ModelGen, timed inside .NET', single: { median: median(inside), min: Math.min(...inside) }, allocatedBytesPerCall: allocatedPerCall });

    for (const engine of engines) {
      if (engine.prepare) await engine.prepare();
      const timing = await benchEngine(engine, inputs);
      if (engine.finish) engine.finish();
      result.timings.push({ model: model.key, engine: engine.name, ...timing });
      log(`${model.name} / ${engine.name}: single ${(timing.single.median * 1000).toFixed(1)} µs (min ${(timing.single.min * 1000).toFixed(1)}), ` +
        `batch of ${batchSize} ${timing.batch.median.toFixed(2)} ms (${timing.batch.repetitions} reps)`);
    }
    await session.release();
  }
  return result;
}

main().then(result => { window.benchResult = result; log('done'); },
  error => { window.benchResult = { failed: String(error && error.stack || error) }; log('FAILED: ' + (error && error.stack || error)); });
