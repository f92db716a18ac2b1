// The headlab GPT in TensorFlow.js, for the peer benchmark (bench/README.md).
// The same model as src/core and tests/reference/make_reference.py: token +
// position embeddings, pre-LayerNorm blocks with causal multi-head attention
// and a GELU (tanh) MLP, final LayerNorm, untied head, mean cross-entropy;
// AdamW (decoupled decay on matrices and embeddings) with global-norm clip 1.
// Written as a TF.js user would: high-level ops, tf.train.adam, tf.variableGrads.
// `tf` is passed in, so Node (import) and Chromium (script tag) share this file.

const ADAMW = {lr: 3e-3, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01, clip: 1.0};

function gpt(tf, s) {
  const {vocab: V, ctx: T, d_model: C, n_heads: H, n_layers: L, d_mlp: F} = s;
  const decay = [], noDecay = [];
  const w = (shape) => { const v = tf.variable(tf.randomNormal(shape, 0, 0.02)); decay.push(v); return v; };
  const b = (n) => { const v = tf.variable(tf.zeros([n])); noDecay.push(v); return v; };
  const g = (n) => { const v = tf.variable(tf.ones([n])); noDecay.push(v); return v; };
  const p = {wte: w([V, C]), wpe: w([T, C]), blocks: [], lnfW: g(C), lnfB: b(C), headW: w([C, V]), headB: b(V)};
  for (let l = 0; l < L; ++l)
    p.blocks.push({ln1W: g(C), ln1B: b(C), wQkv: w([C, 3 * C]), bQkv: b(3 * C), wO: w([C, C]), bO: b(C),
                   ln2W: g(C), ln2B: b(C), wFc: w([C, F]), bFc: b(F), wProj: w([F, C]), bProj: b(C)});
  // additive causal mask: 0 on and below the diagonal, -1e9 above
  const mask = tf.keep(tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9));

  const layerNorm = (x, gain, bias) => {
    const {mean, variance} = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(1e-5))).mul(gain).add(bias);
  };
  const gelu = (x) => x.mul(0.5).mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1));
  const heads = (x, B) => x.reshape([B, T, H, C / H]).transpose([0, 2, 1, 3]).reshape([B * H, T, C / H]);

  // tokens, targets: int32 [B, T]; returns the scalar mean cross-entropy.
  function loss(tokens, targets, B) {
    const N = B * T;
    // one-hot x wte rather than tf.gather: gather's gradient (UnsortedSegmentSum)
    // has no kernel in the wasm backend
    let x = tf.oneHot(tokens.reshape([N]), V).toFloat().matMul(p.wte).reshape([B, T, C]).add(p.wpe);
    x = x.reshape([N, C]);
    for (const k of p.blocks) {
      const qkv = layerNorm(x, k.ln1W, k.ln1B).matMul(k.wQkv).add(k.bQkv);
      const [q, kk, v] = tf.split(qkv, 3, 1);
      const att = tf.softmax(tf.matMul(heads(q, B), heads(kk, B), false, true).mul(1 / Math.sqrt(C / H)).add(mask));
      const y = tf.matMul(att, heads(v, B)).reshape([B, H, T, C / H]).transpose([0, 2, 1, 3]).reshape([N, C]);
      x = x.add(y.matMul(k.wO).add(k.bO));
      const h = gelu(layerNorm(x, k.ln2W, k.ln2B).matMul(k.wFc).add(k.bFc));
      x = x.add(h.matMul(k.wProj).add(k.bProj));
    }
    const logits = layerNorm(x, p.lnfW, p.lnfB).matMul(p.headW).add(p.headB);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(targets.reshape([N]), V), logits);
  }
  return {loss, decay, noDecay};
}

// Trains for warmup + steps AdamW steps on random tokens; returns ms per step
// (median over the timed steps). `now` is performance.now in both hosts.
export async function benchTfjs(tf, s, steps, now) {
  const model = gpt(tf, s);
  const opt = tf.train.adam(ADAMW.lr, ADAMW.beta1, ADAMW.beta2, ADAMW.eps);
  const B = s.batch, T = s.ctx;
  const times = [];
  for (let i = 0; i < steps + 3; ++i) {
    const ids = new Int32Array(B * T).map(() => Math.floor(Math.random() * s.vocab));
    const tokens = tf.tensor2d(ids, [B, T], 'int32');
    const targets = tf.tensor2d(ids.map((_, j) => ids[(j + 1) % ids.length]), [B, T], 'int32');
    const t0 = now();
    const lossValue = tf.tidy(() => {
      const {value, grads} = tf.variableGrads(() => model.loss(tokens, targets, B));
      const names = Object.keys(grads);
      const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
      const coef = tf.minimum(1, tf.div(ADAMW.clip, norm.add(1e-6)));
      for (const v of model.decay) v.assign(v.mul(1 - ADAMW.lr * ADAMW.weightDecay));  // decoupled decay
      opt.applyGradients(Object.fromEntries(names.map((n) => [n, grads[n].mul(coef)])));
      return value;
    });
    await lossValue.data();  // waits for the step (webgl runs asynchronously)
    if (i >= 3) times.push(now() - t0);
    tf.dispose([tokens, targets, lossValue]);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
