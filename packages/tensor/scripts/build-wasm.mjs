// Builds the WebAssembly SIMD GEMM of the wasm backend: writes its text (gemm.wat, kept for
// reading) and its bytes as base64 in src/backend/wasm/gemm-wasm.ts, both committed, twice: once
// importing an ordinary memory (the single-threaded path) and once importing a shared memory (the
// threaded path, src/backend/threads.ts), the only difference between the two. Run by hand
// after changing this file: `node scripts/build-wasm.mjs` in packages/tensor. A test
// (src/backend/wasm-backend.test.ts) fails when the committed files differ from a fresh build.
//
// The text is generated rather than written out because the micro-kernel is MR × NR/4 unrolled
// multiply-adds: the loops below spell it out once for any tile shape.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

/**
 * Block sizes (Goto and van de Geijn, "Anatomy of High-Performance Matrix Multiplication", 2008).
 * MR × NR is the register tile: MR·NR/4 f32x4 accumulators plus NR/4 B vectors, one splat of A and
 * one product must fit V8's fifteen allocatable XMM registers. KC is the depth of a block (a packed
 * B panel, KC × NR floats, stays in L1); MC the rows of A per packed block (MC × KC floats in L2);
 * NC the columns of B per packed block (KC × NC floats in L3).
 */
export const BLOCKING = { MR: 2, NR: 16, KC: 256, MC: 128, NC: 4096 };

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
export const WAT_PATH = here('../src/backend/wasm/gemm.wat');
export const TS_PATH = here('../src/backend/wasm/gemm-wasm.ts');

/** f32x4 accumulators of the column-wise matrix-vector loop: 4 × this many outputs per pass. */
const GEMV_VECTORS = 4;

const range = (count) => Array.from({ length: count }, (_, i) => i);
const indent = (text, spaces) => text.map((line) => `${' '.repeat(spaces)}${line}`).join('\n');

/** An i8x16.shuffle taking f32 lanes `lanes` (0–3 from the first operand, 4–7 from the second). */
const shuffle = (lanes, x, y) => `(i8x16.shuffle ${lanes.flatMap((lane) => range(4).map((byte) => 4 * lane + byte)).join(' ')} ${x} ${y})`;

/**
 * A function that packs a lines × depth block of a strided matrix into panels of `width` lines,
 * zero-padded: panel q holds, for each depth index p, the values of lines q·width … q·width+width−1
 * at p. For A, lines are rows and depth runs along columns; for B, lines are columns and depth
 * rows. Strides are in elements, pointers in bytes. Full panels of the two common layouts take a
 * vector path: with lines adjacent in memory (row-major B, transposed A) each step is copied
 * whole; with depth adjacent (row-major A, transposed B), four steps of each line are loaded and
 * transposed.
 */
function pack(name, width) {
  if (width !== 2 && width % 4 !== 0) throw new RangeError(`pack: width ${width} is neither 2 nor a multiple of 4`);
  const get = (local) => `(local.get ${local})`;
  const copyStep = width === 2
    ? ['(i64.store (local.get $q) (i64.load (local.get $s)))']
    : range(width / 4).map((v) => `(v128.store offset=${16 * v} (local.get $q) (v128.load offset=${16 * v} (local.get $s)))`);
  const transposeStep = width === 2
    ? [
      '(local.set $r0 (v128.load (local.get $s)))',
      '(local.set $r1 (v128.load (i32.add (local.get $s) (local.get $lineStride))))',
      `(v128.store (local.get $dst) ${shuffle([0, 4, 1, 5], get('$r0'), get('$r1'))})`,
      `(v128.store offset=16 (local.get $dst) ${shuffle([2, 6, 3, 7], get('$r0'), get('$r1'))})`,
    ]
    : ['(local.set $q (local.get $s))', ...range(width / 4).flatMap((g) => [
      ...range(4).flatMap((i) => [`(local.set $r${i} (v128.load (local.get $q)))`, '(local.set $q (i32.add (local.get $q) (local.get $lineStride)))']),
      `(local.set $t0 ${shuffle([0, 4, 1, 5], get('$r0'), get('$r1'))})`,
      `(local.set $t1 ${shuffle([2, 6, 3, 7], get('$r0'), get('$r1'))})`,
      `(local.set $t2 ${shuffle([0, 4, 1, 5], get('$r2'), get('$r3'))})`,
      `(local.set $t3 ${shuffle([2, 6, 3, 7], get('$r2'), get('$r3'))})`,
      `(v128.store offset=${16 * g} (local.get $dst) ${shuffle([0, 1, 4, 5], get('$t0'), get('$t2'))})`,
      `(v128.store offset=${4 * width + 16 * g} (local.get $dst) ${shuffle([2, 3, 6, 7], get('$t0'), get('$t2'))})`,
      `(v128.store offset=${8 * width + 16 * g} (local.get $dst) ${shuffle([0, 1, 4, 5], get('$t1'), get('$t3'))})`,
      `(v128.store offset=${12 * width + 16 * g} (local.get $dst) ${shuffle([2, 3, 6, 7], get('$t1'), get('$t3'))})`,
    ])];
  return `  (func ${name} (param $src i32) (param $lineStride i32) (param $depthStride i32)
              (param $lines i32) (param $depth i32) (param $dst i32)
    (local $line0 i32) (local $count i32) (local $p i32) (local $l i32) (local $s i32) (local $q i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $lineStride (i32.shl (local.get $lineStride) (i32.const 2)))
    (local.set $depthStride (i32.shl (local.get $depthStride) (i32.const 2)))
    ;; Lines adjacent in memory: copy the full panels step by step, reading each step's lines in
    ;; one sweep (panel by panel would stride through memory and defeat the prefetcher).
    (if (i32.and (i32.eq (local.get $lineStride) (i32.const 4)) (i32.ge_s (local.get $lines) (i32.const ${width})))
      (then
        (local.set $count (i32.div_u (local.get $lines) (i32.const ${width})))
        (block $copied
          (loop $steps
            (br_if $copied (i32.ge_s (local.get $p) (local.get $depth)))
            (local.set $s (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $depthStride))))
            (local.set $q (i32.add (local.get $dst) (i32.mul (local.get $p) (i32.const ${4 * width}))))
            (local.set $l (local.get $count))
            (loop $copy
${indent(copyStep, 14)}
              (local.set $s (i32.add (local.get $s) (i32.const ${4 * width})))
              (local.set $q (i32.add (local.get $q) (i32.mul (local.get $depth) (i32.const ${4 * width}))))
              (br_if $copy (local.tee $l (i32.sub (local.get $l) (i32.const 1)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $steps)))
        (local.set $line0 (i32.mul (local.get $count) (i32.const ${width})))
        (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $line0) (i32.shl (local.get $depth) (i32.const 2)))))))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_s (local.get $line0) (local.get $lines)))
        (local.set $count (i32.sub (local.get $lines) (local.get $line0)))
        (if (i32.gt_s (local.get $count) (i32.const ${width})) (then (local.set $count (i32.const ${width}))))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $line0) (local.get $lineStride))))
        (local.set $p (i32.const 0))
        (if (i32.eq (local.get $count) (i32.const ${width}))
          (then
            (if (i32.eq (local.get $depthStride) (i32.const 4))
              (then
                (block $transposed
                  (loop $transpose
                    (br_if $transposed (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $depth)))
${indent(transposeStep, 20)}
                    (local.set $s (i32.add (local.get $s) (i32.const 16)))
                    (local.set $dst (i32.add (local.get $dst) (i32.const ${16 * width})))
                    (local.set $p (i32.add (local.get $p) (i32.const 4)))
                    (br $transpose)))))))
        ;; What is left (all of it for other layouts and edge panels): one value at a time.
        (block $panelDone
          (loop $steps
            (br_if $panelDone (i32.ge_s (local.get $p) (local.get $depth)))
            (local.set $q (local.get $s))
            (local.set $l (i32.const 0))
            (block $copied
              (loop $copy
                (br_if $copied (i32.ge_s (local.get $l) (local.get $count)))
                (f32.store (local.get $dst) (f32.load (local.get $q)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                (local.set $q (i32.add (local.get $q) (local.get $lineStride)))
                (local.set $l (i32.add (local.get $l) (i32.const 1)))
                (br $copy)))
            (block $padded
              (loop $pad
                (br_if $padded (i32.ge_s (local.get $l) (i32.const ${width})))
                (f32.store (local.get $dst) (f32.const 0))
                (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                (local.set $l (i32.add (local.get $l) (i32.const 1)))
                (br $pad)))
            (local.set $s (i32.add (local.get $s) (local.get $depthStride)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $steps)))
        (local.set $line0 (i32.add (local.get $line0) (i32.const ${width})))
        (br $panels))))`;
}

/** The memory import of the single-threaded module. */
const MEMORY = '(memory 1)';
/**
 * The memory import of the threaded module: a memory shared with worker threads, which must
 * declare a maximum; 65536 pages is all of wasm32's 4 GiB, so the runtime picks the real one.
 */
const SHARED_MEMORY = '(memory 1 65536 shared)';

/** The module's text, importing `memory` (see {@link MEMORY}, {@link SHARED_MEMORY}). */
export function gemmWat({ MR, NR, KC, MC, NC } = BLOCKING, memory = MEMORY) {
  const NV = NR / 4;
  const acc = (r, v) => `$acc${r}_${v}`;
  const accumulators = range(MR).flatMap((r) => range(NV).map((v) => acc(r, v)));
  // One step of depth: NV vector loads of B, then each row's splat of A times them.
  const step = [
    ...range(NV).map((v) => `(local.set $b${v} (v128.load offset=${16 * v} (local.get $pb)))`),
    ...range(MR).flatMap((r) => [
      `(local.set $x (v128.load32_splat offset=${4 * r} (local.get $pa)))`,
      ...range(NV).map((v) => `(local.set ${acc(r, v)} (f32x4.add (local.get ${acc(r, v)}) (f32x4.mul (local.get $x) (local.get $b${v}))))`),
    ]),
  ];
  return `;; Generated by scripts/build-wasm.mjs: edit that file, not this one.
;; C[m×n] += alpha·A·B in float32 with f32x4 SIMD; see src/backend/wasm-backend.ts.
(module
  ;; The threaded build imports ${SHARED_MEMORY} instead; nothing else differs.
  (import "env" "memory" ${memory})

  ;; Packing: A into panels of ${MR} rows, B into panels of ${NR} columns (see $packA).
${pack('$packA', MR)}

${pack('$packB', NR)}

  ;; The ${MR}×${NR} micro-kernel: C[tile] += alpha·Σp A[:,p] ⊗ B[p,:] over $kc steps of a packed
  ;; A panel (${MR} floats per step, each splatted) and a packed B panel (${NR} floats, ${NV} vectors),
  ;; summed in ${MR * NV} f32x4 accumulators. Only the $rows × $cols corner of the tile inside C is
  ;; written; edge tiles go through the ${MR * NR}-float scratch $tile.
  (func $kernel (param $pa i32) (param $pb i32) (param $kc i32) (param $c i32) (param $ldc i32)
                (param $rows i32) (param $cols i32) (param $alpha f32) (param $tile i32)
    ${accumulators.map((name) => `(local ${name} v128)`).join(' ')}
    ${range(NV).map((v) => `(local $b${v} v128)`).join(' ')} (local $x v128) (local $scale v128) (local $r i32) (local $j i32) (local $dst i32)
    ;; Not unrolled: unrolling by 2, 4 or 8 made V8 spill accumulators and ran 40% slower.
    (loop $depth
${indent(step, 6)}
      (local.set $pa (i32.add (local.get $pa) (i32.const ${4 * MR})))
      (local.set $pb (i32.add (local.get $pb) (i32.const ${4 * NR})))
      (br_if $depth (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    ;; Scaling only when alpha ≠ 1 is also what keeps V8 from hoisting the splat of alpha above
    ;; the loop, where it takes a register and makes the accumulators spill (2.7× slower).
    (if (f32.ne (local.get $alpha) (f32.const 1))
      (then
        (local.set $scale (f32x4.splat (local.get $alpha)))
${indent(accumulators.map((name) => `(local.set ${name} (f32x4.mul (local.get ${name}) (local.get $scale)))`), 8)}))
    (if (i32.and (i32.eq (local.get $rows) (i32.const ${MR})) (i32.eq (local.get $cols) (i32.const ${NR})))
      (then
${indent(range(MR).flatMap((r) => [
    ...(r === 0 ? [] : ['(local.set $c (i32.add (local.get $c) (local.get $ldc)))']),
    ...range(NV).map((v) => `(v128.store offset=${16 * v} (local.get $c) (f32x4.add (v128.load offset=${16 * v} (local.get $c)) (local.get ${acc(r, v)})))`),
  ]), 8)}
        (return)))
${indent(accumulators.map((name, i) => `(v128.store offset=${16 * i} (local.get $tile) (local.get ${name}))`), 4)}
    (loop $rowsLoop
      (local.set $j (i32.const 0))
      (loop $colsLoop
        (local.set $dst (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))))
        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst))
          (f32.load (i32.add (local.get $tile) (i32.shl (i32.add (i32.mul (local.get $r) (i32.const ${NR})) (local.get $j)) (i32.const 2))))))
        (br_if $colsLoop (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $cols))))
      (local.set $c (i32.add (local.get $c) (local.get $ldc)))
      (br_if $rowsLoop (i32.lt_s (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows)))))

  ;; C[m×n] += alpha·A·B. A and B are strided (element (i, p) of A at byte
  ;; $a + 4·(i·$aRowStride + p·$aColStride)); C is row-major, row i starting $cRowStride floats
  ;; after row i − 1 (n for a whole C; more for a band of columns of a wider one). The packing buffers
  ;; hold ${MC} × ${KC} and ${KC} × ${NC} floats (less when the matrices are smaller), $tile ${MR * NR}.
  (func (export "gemm") (param $m i32) (param $n i32) (param $k i32) (param $alpha f32)
                        (param $a i32) (param $aRowStride i32) (param $aColStride i32)
                        (param $b i32) (param $bRowStride i32) (param $bColStride i32)
                        (param $c i32) (param $cRowStride i32) (param $packedA i32) (param $packedB i32) (param $tile i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32)
    (local $jr i32) (local $ir i32) (local $ldc i32) (local $rows i32) (local $cols i32)
    (local.set $ldc (i32.shl (local.get $cRowStride) (i32.const 2)))
    (block $jcDone
      (loop $jcLoop
        (br_if $jcDone (i32.ge_s (local.get $jc) (local.get $n)))
        (local.set $nc (i32.sub (local.get $n) (local.get $jc)))
        (if (i32.gt_s (local.get $nc) (i32.const ${NC})) (then (local.set $nc (i32.const ${NC}))))
        (local.set $pc (i32.const 0))
        (block $pcDone
          (loop $pcLoop
            (br_if $pcDone (i32.ge_s (local.get $pc) (local.get $k)))
            (local.set $kc (i32.sub (local.get $k) (local.get $pc)))
            (if (i32.gt_s (local.get $kc) (i32.const ${KC})) (then (local.set $kc (i32.const ${KC}))))
            (call $packB
              (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $bRowStride)) (i32.mul (local.get $jc) (local.get $bColStride))) (i32.const 2)))
              (local.get $bColStride) (local.get $bRowStride) (local.get $nc) (local.get $kc) (local.get $packedB))
            (local.set $ic (i32.const 0))
            (block $icDone
              (loop $icLoop
                (br_if $icDone (i32.ge_s (local.get $ic) (local.get $m)))
                (local.set $mc (i32.sub (local.get $m) (local.get $ic)))
                (if (i32.gt_s (local.get $mc) (i32.const ${MC})) (then (local.set $mc (i32.const ${MC}))))
                (call $packA
                  (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $ic) (local.get $aRowStride)) (i32.mul (local.get $pc) (local.get $aColStride))) (i32.const 2)))
                  (local.get $aRowStride) (local.get $aColStride) (local.get $mc) (local.get $kc) (local.get $packedA))
                (local.set $jr (i32.const 0))
                (block $jrDone
                  (loop $jrLoop
                    (br_if $jrDone (i32.ge_s (local.get $jr) (local.get $nc)))
                    (local.set $cols (i32.sub (local.get $nc) (local.get $jr)))
                    (if (i32.gt_s (local.get $cols) (i32.const ${NR})) (then (local.set $cols (i32.const ${NR}))))
                    (local.set $ir (i32.const 0))
                    (block $irDone
                      (loop $irLoop
                        (br_if $irDone (i32.ge_s (local.get $ir) (local.get $mc)))
                        (local.set $rows (i32.sub (local.get $mc) (local.get $ir)))
                        (if (i32.gt_s (local.get $rows) (i32.const ${MR})) (then (local.set $rows (i32.const ${MR}))))
                        (call $kernel
                          (i32.add (local.get $packedA) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
                          (i32.add (local.get $packedB) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2)))
                          (local.get $kc)
                          (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $cRowStride)) (i32.add (local.get $jc) (local.get $jr))) (i32.const 2)))
                          (local.get $ldc) (local.get $rows) (local.get $cols) (local.get $alpha) (local.get $tile))
                        (local.set $ir (i32.add (local.get $ir) (i32.const ${MR})))
                        (br $irLoop)))
                    (local.set $jr (i32.add (local.get $jr) (i32.const ${NR})))
                    (br $jrLoop)))
                (local.set $ic (i32.add (local.get $ic) (i32.const ${MC})))
                (br $icLoop)))
            (local.set $pc (i32.add (local.get $pc) (i32.const ${KC})))
            (br $pcLoop)))
        (local.set $jc (i32.add (local.get $jc) (i32.const ${NC})))
        (br $jcLoop))))

  ;; Matrix-vector products (m or n = 1): y += alpha·M·v over $length outputs, where M[i, p] is at
  ;; byte $matrix + 4·(i·$outStride + p·$reduceStride) and v is contiguous. Packing would cost as
  ;; much as the product, so M is read in place: along its rows as dot products when they are
  ;; contiguous, else ${4 * GEMV_VECTORS} outputs at a time down its columns when those are.
  (func (export "gemv") (param $length i32) (param $k i32) (param $alpha f32) (param $matrix i32)
                        (param $outStride i32) (param $reduceStride i32) (param $vector i32) (param $y i32)
    (local $i i32) (local $p i32) (local $row i32) (local $q i32) (local $sum f32) (local $x v128)
    ${range(GEMV_VECTORS).map((v) => `(local $s${v} v128)`).join(' ')}
    (local.set $outStride (i32.shl (local.get $outStride) (i32.const 2)))
    (local.set $reduceStride (i32.shl (local.get $reduceStride) (i32.const 2)))
    (if (i32.eq (local.get $reduceStride) (i32.const 4))
      (then
        ;; Rows contiguous: one dot product per output, eight lanes at a time, then the odd steps.
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $length)))
            (local.set $row (i32.add (local.get $matrix) (i32.mul (local.get $i) (local.get $outStride))))
            (local.set $s0 (v128.const i32x4 0 0 0 0))
            (local.set $s1 (v128.const i32x4 0 0 0 0))
            (local.set $p (i32.const 0))
            (block $wideDone
              (loop $wide
                (br_if $wideDone (i32.gt_s (i32.add (local.get $p) (i32.const 8)) (local.get $k)))
                (local.set $q (i32.shl (local.get $p) (i32.const 2)))
                (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul
                  (v128.load (i32.add (local.get $row) (local.get $q))) (v128.load (i32.add (local.get $vector) (local.get $q))))))
                (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul
                  (v128.load offset=16 (i32.add (local.get $row) (local.get $q))) (v128.load offset=16 (i32.add (local.get $vector) (local.get $q))))))
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (br $wide)))
            (local.set $s0 (f32x4.add (local.get $s0) (local.get $s1)))
            (local.set $sum (f32.add
              (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
              (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))
            (block $tailDone
              (loop $tail
                (br_if $tailDone (i32.ge_s (local.get $p) (local.get $k)))
                (local.set $q (i32.shl (local.get $p) (i32.const 2)))
                (local.set $sum (f32.add (local.get $sum) (f32.mul
                  (f32.load (i32.add (local.get $row) (local.get $q))) (f32.load (i32.add (local.get $vector) (local.get $q))))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $tail)))
            (local.set $q (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))))
            (f32.store (local.get $q) (f32.add (f32.load (local.get $q)) (f32.mul (local.get $alpha) (local.get $sum))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))))
    (if (i32.eq (local.get $outStride) (i32.const 4))
      (then
        ;; Columns contiguous: ${4 * GEMV_VECTORS} outputs stay in registers while p runs down the depth.
        (block $blocksDone
          (loop $blocks
            (br_if $blocksDone (i32.gt_s (i32.add (local.get $i) (i32.const ${4 * GEMV_VECTORS})) (local.get $length)))
${indent(range(GEMV_VECTORS).map((v) => `(local.set $s${v} (v128.const i32x4 0 0 0 0))`), 12)}
            (local.set $row (i32.add (local.get $matrix) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $depthDone
              (loop $depth
                (br_if $depthDone (i32.ge_s (local.get $p) (local.get $k)))
                (local.set $x (v128.load32_splat (i32.add (local.get $vector) (i32.shl (local.get $p) (i32.const 2)))))
${indent(range(GEMV_VECTORS).map((v) => `(local.set $s${v} (f32x4.add (local.get $s${v}) (f32x4.mul (local.get $x) (v128.load offset=${16 * v} (local.get $row)))))`), 16)}
                (local.set $row (i32.add (local.get $row) (local.get $reduceStride)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $depth)))
            (local.set $x (f32x4.splat (local.get $alpha)))
            (local.set $q (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))))
${indent(range(GEMV_VECTORS).map((v) => `(v128.store offset=${16 * v} (local.get $q) (f32x4.add (v128.load offset=${16 * v} (local.get $q)) (f32x4.mul (local.get $x) (local.get $s${v}))))`), 12)}
            (local.set $i (i32.add (local.get $i) (i32.const ${4 * GEMV_VECTORS})))
            (br $blocks)))))
    ;; Any other layout, and the outputs left over: one strided dot product per output.
    (block $restDone
      (loop $rest
        (br_if $restDone (i32.ge_s (local.get $i) (local.get $length)))
        (local.set $row (i32.add (local.get $matrix) (i32.mul (local.get $i) (local.get $outStride))))
        (local.set $sum (f32.const 0))
        (local.set $p (i32.const 0))
        (block $dotDone
          (loop $dot
            (br_if $dotDone (i32.ge_s (local.get $p) (local.get $k)))
            (local.set $sum (f32.add (local.get $sum) (f32.mul
              (f32.load (local.get $row)) (f32.load (i32.add (local.get $vector) (i32.shl (local.get $p) (i32.const 2)))))))
            (local.set $row (i32.add (local.get $row) (local.get $reduceStride)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $dot)))
        (local.set $q (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))))
        (f32.store (local.get $q) (f32.add (f32.load (local.get $q)) (f32.mul (local.get $alpha) (local.get $sum))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rest)))))
`;
}

/** Assembles WAT text into validated bytes with wabt, with the given proposals enabled. */
export async function assembleWat(name, text, features) {
  const toolkit = await wabt();
  const module = toolkit.parseWat(name, text, features);
  try {
    module.validate(features);
    return module.toBinary({ canonicalize_lebs: true }).buffer;
  } finally {
    module.destroy();
  }
}

/** Assembles the GEMM's text (the threads feature allows the shared memory). */
export function assemble(text) {
  return assembleWat('gemm.wat', text, { simd: true, threads: true });
}

/** Bytes as a TypeScript string expression: base64 in lines of 100 characters. */
export function base64Lines(bytes) {
  const chunks = Buffer.from(bytes).toString('base64').match(/.{1,100}/g) ?? [];
  return chunks.map((chunk) => `  '${chunk}'`).join(' +\n');
}

/** The TypeScript module that ships the bytes of both builds. */
export function bytesModule(bytes, sharedBytes, blocking = BLOCKING) {
  return `// Generated by scripts/build-wasm.mjs from gemm.wat: do not edit. ${bytes.length} and ${sharedBytes.length} bytes.

/** The float32 SIMD GEMM module, base64-encoded. */
export const gemmWasmBase64 =
${base64Lines(bytes)};

/** The same module importing a shared memory ${SHARED_MEMORY}, for worker threads. */
export const gemmSharedWasmBase64 =
${base64Lines(sharedBytes)};

/** The block sizes the module was built with (see scripts/build-wasm.mjs). */
export const gemmBlocking = { ${Object.entries(blocking).map(([key, value]) => `${key}: ${value}`).join(', ')} } as const;
`;
}

/** A fresh build: the text and the TypeScript module, as they should be committed. */
export async function build() {
  const wat = gemmWat();
  const bytes = await assemble(wat);
  const sharedBytes = await assemble(gemmWat(BLOCKING, SHARED_MEMORY));
  return { wat, ts: bytesModule(bytes, sharedBytes), bytes, sharedBytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { wat, ts, bytes, sharedBytes } = await build();
  writeFileSync(WAT_PATH, wat);
  writeFileSync(TS_PATH, ts);
  console.log(`wrote ${bytes.length} + ${sharedBytes.length} bytes of wasm to ${TS_PATH}`);
}
