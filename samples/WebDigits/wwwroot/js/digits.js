// The page: drawing on the canvas, the bar chart and the buttons. Every number (preprocessing, the networks,
// "teach it") is computed in C#, in DigitsExports (Interop/DigitsExports.cs), through .NET's WebAssembly runtime.
import { dotnet } from '../_framework/dotnet.js';

const $ = (id) => document.getElementById(id);
const canvas = $('canvas');
const ink = canvas.getContext('2d', { willReadFrequently: true });
const preview = $('input').getContext('2d');
const select = $('network');
const bars = [];

// What the page knows, readable by the browser tests (they wait on these rather than on timings).
// readyMs: from navigation start to the runtime and the default network being loaded. offlineReady: every file the page
// can need is in the service worker's cache.
// readTimes: every reading's milliseconds (preprocessing and one forward pass, in C#).
const state = (window.webDigits = { ready: false, readyMs: null, offlineReady: false, reads: 0, lastReadMs: 0, readTimes: [], digit: null, probabilities: [] });

let api;            // DigitsExports
let manifest;       // models/models.json
// Declared before the top-level `await start()` below, which uses it (a later `const` would not exist yet).
const fileSizes = {}; // network name → its model file's bytes, for the description
let drawing = false;
let readPending = false;

for (let d = 0; d < 10; d++) {
  const li = document.createElement('li');
  li.dataset.digit = d;
  li.innerHTML = `<span>${d}</span><span class="track"><span class="fill"></span></span><span class="value"></span>`;
  $('bars').append(li);
  bars.push(li);
  const teach = document.createElement('button');
  teach.type = 'button';
  teach.textContent = d;
  teach.dataset.digit = d;
  teach.addEventListener('click', () => teachIt(d));
  $('teach-digits').append(teach);
}

try {
  await start();
} catch (e) {
  $('status').textContent = `The page could not start: ${e.message ?? e}`;
  console.error(e);
}

async function start() {
  const runtime = await dotnet.create();
  await runtime.runMain();
  const exports = await runtime.getAssemblyExports(runtime.getConfig().mainAssemblyName);
  api = exports.ModelGen.Samples.WebDigits.Interop.DigitsExports;
  $('runtime').textContent = `ModelGen kernels here: ${api.VectorPathDescription()} (.NET WebAssembly, one thread).`;

  manifest = await (await fetch('models/models.json')).json();
  for (const m of manifest.models) {
    const option = document.createElement('option');
    option.value = m.name;
    option.textContent = m.title;
    select.append(option);
  }
  select.value = manifest.default;
  await loadNetwork(manifest.default);
  select.disabled = false;
  select.addEventListener('change', () => switchTo(select.value));
  $('clear').addEventListener('click', clear);
  $('reset').addEventListener('click', () => {
    api.Reset();
    $('teach-status').textContent = 'Back to the weights from the file.';
    read();
  });
  wireDrawing();
  state.ready = true;
  state.readyMs = performance.now();
  document.body.dataset.ready = 'true';
  $('status').textContent = 'Ready: draw a digit.';
  show(null);
  keepForOffline().catch((e) => console.warn('Offline use is not available:', e));
}

// Registers the service worker and, once it controls the page, fetches through it every file loaded so far (the
// runtime, the assemblies, the page) and those the page may fetch later (the other networks, the replay digits),
// so that the page, every network and "teach it" work without a connection from now on.
async function keepForOffline() {
  if (!('serviceWorker' in navigator)) return;
  await navigator.serviceWorker.register('service-worker.js');
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  }
  const loaded = performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.startsWith(location.origin));
  const later = [...manifest.models.map((m) => `models/${m.file}`), 'data/replay.bin', 'index.html', './'];
  await Promise.all([...new Set([location.href, ...loaded, ...later])].map(async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    await response.arrayBuffer();
  }));
  state.offlineReady = true;
  $('runtime').textContent += ' Works offline from now on.';
}

async function bytes(response, name) {
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function info(name) {
  return manifest.models.find((m) => m.name === name);
}

async function loadNetwork(name) {
  const m = info(name);
  $('status').textContent = `Loading ${m.title}…`;
  const file = await bytes(await fetch(`models/${m.file}`), m.file);
  api.Load(name, file);
  fileSizes[name] = file.length;
  describe(name);
}

function describe(name) {
  const m = info(name);
  $('network-info').textContent =
    `${(100 * m.testAccuracy).toFixed(2)} % on MNIST's 10,000 test digits · ${m.parameters.toLocaleString('en')} parameters · ` +
    `${(fileSizes[name] / 1024).toFixed(0)} KB file (written by the MNIST sample's train --network ${name})`;
  document.body.dataset.network = name;
}

// A network loaded before is selected as it is, with whatever it was taught; only a new one is fetched.
async function switchTo(name) {
  select.disabled = true;
  try {
    if (api.IsLoaded(name)) {
      api.Select(name);
      describe(name);
    } else {
      await loadNetwork(name);
    }
    $('status').textContent = `Ready: ${info(name).title}.`;
    $('teach-status').textContent = '';
    read();
  } finally {
    select.disabled = false;
  }
}

function wireDrawing() {
  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    const p = point(e);
    ink.beginPath();
    ink.moveTo(p.x, p.y);
    ink.lineTo(p.x + 0.01, p.y);
    ink.stroke();
    scheduleRead();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    // Coalesced events keep fast strokes smooth where the browser batches pointer moves per frame.
    for (const c of e.getCoalescedEvents?.() ?? [e]) {
      const p = point(c);
      ink.lineTo(p.x, p.y);
    }
    ink.stroke();
    const last = point(e);
    ink.beginPath();
    ink.moveTo(last.x, last.y);
    scheduleRead();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    scheduleRead();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  ink.strokeStyle = '#fff';
  ink.lineCap = 'round';
  ink.lineJoin = 'round';
  // About MNIST's stroke: a digit 70 % of the canvas tall, fitted into 20 pixels, gets strokes 2 to 3 pixels wide.
  ink.lineWidth = canvas.width * 0.08;
}

function point(e) {
  const r = canvas.getBoundingClientRect();
  return { x: ((e.clientX - r.left) * canvas.width) / r.width, y: ((e.clientY - r.top) * canvas.height) / r.height };
}

// At most one prediction per frame, while drawing too: the answer follows the pen.
function scheduleRead() {
  if (readPending) return;
  readPending = true;
  requestAnimationFrame(() => {
    readPending = false;
    read();
  });
}

function read() {
  const { data, width, height } = ink.getImageData(0, 0, canvas.width, canvas.height);
  const alpha = new Uint8Array(width * height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = data[4 * i + 3];
  const t = performance.now();
  const probabilities = api.Read(alpha, width, height);
  state.lastReadMs = performance.now() - t;
  state.readTimes.push(state.lastReadMs);
  state.reads++;
  if (probabilities.length === 0) {
    show(null);
    return;
  }
  show(probabilities);
}

function show(probabilities) {
  const empty = probabilities === null;
  $('hint').hidden = !empty;
  $('teach').hidden = empty;
  state.probabilities = empty ? [] : Array.from(probabilities);
  const top = empty ? -1 : state.probabilities.indexOf(Math.max(...state.probabilities));
  state.digit = empty ? null : top;
  const prediction = $('prediction');
  prediction.textContent = empty ? '' : `It's a ${top} (${(100 * state.probabilities[top]).toFixed(1)} %)`;
  $('timing').textContent = empty ? '' : `Read in ${state.lastReadMs.toFixed(1)} ms (preprocessing and the network, in WebAssembly).`;
  prediction.dataset.digit = empty ? '' : top;
  bars.forEach((li, d) => {
    const p = empty ? 0 : state.probabilities[d];
    li.querySelector('.fill').style.width = `${(100 * p).toFixed(1)}%`;
    li.querySelector('.value').textContent = empty ? '' : `${(100 * p).toFixed(1)} %`;
    li.dataset.p = p;
    li.classList.toggle('top', d === top);
  });
  drawPreview(empty ? null : api.LastInput());
  document.body.dataset.reads = state.reads;
}

function drawPreview(levels) {
  const image = preview.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = levels ? levels[i] : 0;
    image.data.set([v, v, v, 255], 4 * i);
  }
  preview.putImageData(image, 0, 0);
}

function clear() {
  ink.clearRect(0, 0, canvas.width, canvas.height);
  $('teach-status').textContent = '';
  read();
}

let replayLoaded = false;

// The MNIST digits "teach it" replays (392 KB) are fetched on the first lesson, not with the page.
async function teachIt(digit) {
  if (!replayLoaded) {
    $('teach-status').textContent = 'Fetching the MNIST digits it rehearses…';
    api.SetReplay(await bytes(await fetch('data/replay.bin'), 'data/replay.bin'));
    replayLoaded = true;
  }
  const before = state.digit;
  const t = performance.now();
  const [steps, loss] = api.Teach(digit);
  const ms = performance.now() - t;
  read();
  const now = state.digit;
  $('teach-status').textContent =
    `Taught "${digit}" in ${steps} training step${steps === 1 ? '' : 's'} (${ms.toFixed(0)} ms, last batch loss ${loss.toFixed(3)}): ` +
    (now === digit ? `it now reads ${digit}.` : `it still reads ${now}; teach it again.`) + (before === digit ? ' (It already read it.)' : '');
  $('teach-status').dataset.steps = steps;
}
