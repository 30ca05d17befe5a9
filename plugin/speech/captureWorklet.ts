/**
 * AudioWorklet processor, as source text so it can be loaded from a Blob URL (no extra build entry, works in
 * the single-file plugin bundle and the proxy's recorder page). It downmixes, resamples to 16 kHz when the
 * context runs at another rate (Blackman-windowed FIR + linear interpolation, like resample.ts), and posts
 * `{ pcm: ArrayBuffer (Int16 LE), rms }` every `frameMs` (default 100 ms = 3200 bytes).
 */
export const CAPTURE_PROCESSOR_NAME = 'voice-capture-16k'

export type CaptureProcessorOptions = { targetRate?: number; frameMs?: number }
export type CaptureFrame = { pcm: ArrayBuffer; rms: number }

export const captureWorkletSource = /* js */ `
class VoiceCapture16k extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = (options && options.processorOptions) || {};
    const target = o.targetRate || 16000;
    this.ratio = sampleRate / target;
    this.frame = new Int16Array(Math.round((target * (o.frameMs || 100)) / 1000));
    this.n = 0;
    this.sumSq = 0;
    this.t = 0;
    this.prev = 0;
    this.kernel = this.ratio > 1 ? VoiceCapture16k.kernel(31, (0.5 / this.ratio) * 0.92) : null;
    this.hist = new Float32Array(this.kernel ? this.kernel.length - 1 : 0);
    this.stopped = false;
    this.port.onmessage = (e) => { if (e.data === 'flush') this.flush(); if (e.data === 'stop') { this.flush(); this.stopped = true; } };
  }
  static kernel(len, cutoff) {
    const k = new Float32Array(len), m = len - 1;
    let sum = 0;
    for (let i = 0; i < len; i++) {
      const x = i - m / 2;
      const s = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
      k[i] = s * (0.42 - 0.5 * Math.cos((2 * Math.PI * i) / m) + 0.08 * Math.cos((4 * Math.PI * i) / m));
      sum += k[i];
    }
    for (let i = 0; i < len; i++) k[i] /= sum;
    return k;
  }
  filter(x) {
    const k = this.kernel;
    if (!k) return x;
    const h = this.hist, joined = new Float32Array(h.length + x.length);
    joined.set(h); joined.set(x, h.length);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) { let a = 0; for (let j = 0; j < k.length; j++) a += k[j] * joined[i + j]; out[i] = a; }
    h.set(joined.subarray(joined.length - h.length));
    return out;
  }
  push(s) {
    const c = s < -1 ? -1 : s > 1 ? 1 : s;
    this.frame[this.n++] = Math.round(c < 0 ? c * 0x8000 : c * 0x7fff);
    this.sumSq += c * c;
    if (this.n === this.frame.length) this.flush();
  }
  flush() {
    if (this.n === 0) return;
    const bytes = new ArrayBuffer(this.n * 2), view = new DataView(bytes);
    for (let i = 0; i < this.n; i++) view.setInt16(i * 2, this.frame[i], true);
    this.port.postMessage({ pcm: bytes, rms: Math.sqrt(this.sumSq / this.n) }, [bytes]);
    this.n = 0;
    this.sumSq = 0;
  }
  process(inputs) {
    if (this.stopped) return false;
    const chans = inputs[0];
    if (!chans || chans.length === 0 || !chans[0]) return true;
    let mono = chans[0];
    if (chans.length > 1) {
      mono = new Float32Array(chans[0].length);
      for (const ch of chans) for (let i = 0; i < mono.length; i++) mono[i] += ch[i] / chans.length;
    }
    if (this.ratio === 1) { for (let i = 0; i < mono.length; i++) this.push(mono[i]); return true; }
    const x = this.filter(mono), n = x.length;
    while (this.t <= n - 1) {
      const i0 = Math.floor(this.t), f = this.t - i0;
      const a = i0 < 0 ? this.prev : x[i0];
      const b = i0 + 1 < n ? x[i0 + 1] : a;
      this.push(a + (b - a) * f);
      this.t += this.ratio;
    }
    this.t -= n;
    this.prev = x[n - 1];
    return true;
  }
}
registerProcessor('${CAPTURE_PROCESSOR_NAME}', VoiceCapture16k);
`

/** A Blob URL for `audioWorklet.addModule`; revoke it once the module has loaded. */
export function captureWorkletUrl(BlobCtor: typeof Blob = Blob, URLCtor: typeof URL = URL): string {
  return URLCtor.createObjectURL(new BlobCtor([captureWorkletSource], { type: 'text/javascript' }))
}
