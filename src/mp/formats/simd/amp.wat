;; The loss-scaled step's kernels in WebAssembly SIMD, four lanes a turn; the caller handles the last n mod 4
;; elements. The memory is imported: they run on tfjs-wasm's heap.
;;   all_finite: 1 where no lane has an all-ones exponent (inf or NaN), else 0.
;;   unscale: out = x / s (f32x4 division, correctly rounded as tf.div's); 1 where every quotient is finite.
;;   adam: one Adam step, op by op as tfjs' AdamOptimizer in float32 (f32x4 div and sqrt are correctly
;;   rounded, as tfjs' float32 kernels are):
;;     m' = m·β1 + g·(1−β1)        v' = v·β2 + (g·g)·(1−β2)
;;     w' = ((m'/bias1) / (√(v'/bias2) + ε))·step + w,   bias = 1 − βᵗ, step = −lr
;;   transpose: the [rows, cols] matrix at src into its [cols, rows] transpose at dst, 4×4 blocks a turn (the
;;   caller moves the last rows mod 4 and cols mod 4): the backward pass's xᵀ, which tfjs-wasm transposes at
;;   ~3 ns an element. Each block is four row loads, eight shuffles and four column stores.
;; The fused dense layer's elementwise steps (ops/dense_fused.ts), each the float32 operation of the tfjs-wasm
;; kernel it replaces, operands in the same order, four lanes a turn and the last n mod 4 one at a time:
;;   bias_add: p[r, c] = p[r, c] + b[c] in place (tf.add(xW, b));
;;   relu: dst = max(src, 0) comparing the bits as int32s, as tfjs-wasm's Relu does (−0 and NaNs with the sign
;;   bit set become +0); returns 1 where src held such a NaN, whose gradient tfjs makes NaN, else 0;
;;   relu_grad: out = dy · step(y) with step(y) = 1 where y > 0, y where y is NaN, else 0 (tf.mul(dy, step(x)),
;;   y relu's output: the same step as its input's but for the NaNs relu cleared, which the caller patches);
;;   col_sum: out[c] = Σ_r g[r, c], each column added in row order from +0 (tfjs-wasm's Sum over axis 0).
;; gemm: c = a·b (c [M, N], b [K, N] row-major; a's element (i, k) at a + i·aRow + k·aK, so a may be read
;; transposed), each output summed in k order from +0, a product then a sum per k as XNNPACK's kernels do. Tiles
;; of 4 rows × 8 columns (then 4, then 1) keep 8 sums in registers. Where $list is given (b all finite), the tiles
;; of a block of 4 rows whose a has zeros in all four rows at a quarter of its k's or more run over the other k's
;; only: a zero's products are ±0, and a sum from +0 is never −0, so adding ±0 leaves it as it is.
(module
  (import "env" "memory" (memory 1))
  (func (export "all_finite")
    (param $p i32) (param $n i32)                                   ;; byte address, lanes (a multiple of 4)
    (result i32)
    (local $i i32) (local $end i32) (local $bad v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $bad
          (v128.or (local.get $bad)
            (i32x4.eq (v128.and (v128.load (i32.add (local.get $p) (local.get $i)))
                                (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                      (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (i32.eqz (v128.any_true (local.get $bad))))
  (func (export "unscale")
    (param $p i32) (param $out i32) (param $n i32) (param $scale f32) ;; byte addresses, lanes (a multiple of 4)
    (result i32)
    (local $i i32) (local $end i32) (local $s v128) (local $q v128) (local $bad v128)
    (local.set $s (f32x4.splat (local.get $scale)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $q (f32x4.div (v128.load (i32.add (local.get $p) (local.get $i))) (local.get $s)))
        (v128.store (i32.add (local.get $out) (local.get $i)) (local.get $q))
        (local.set $bad
          (v128.or (local.get $bad)
            (i32x4.eq (v128.and (local.get $q)
                                (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                      (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (i32.eqz (v128.any_true (local.get $bad))))
  (func (export "adam")
    (param $w i32) (param $m i32) (param $v i32) (param $g i32)     ;; byte addresses of the inputs
    (param $wOut i32) (param $mOut i32) (param $vOut i32)           ;; and of the outputs
    (param $n i32)                                                  ;; lanes, a multiple of 4
    (param $beta1 f32) (param $beta2 f32) (param $c1 f32) (param $c2 f32)
    (param $bias1 f32) (param $bias2 f32) (param $epsilon f32) (param $step f32)
    (local $i i32) (local $end i32)
    (local $b1 v128) (local $b2 v128) (local $k1 v128) (local $k2 v128)
    (local $d1 v128) (local $d2 v128) (local $eps v128) (local $lr v128)
    (local $gi v128) (local $m1 v128) (local $v1 v128)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $k1 (f32x4.splat (local.get $c1)))
    (local.set $k2 (f32x4.splat (local.get $c2)))
    (local.set $d1 (f32x4.splat (local.get $bias1)))
    (local.set $d2 (f32x4.splat (local.get $bias2)))
    (local.set $eps (f32x4.splat (local.get $epsilon)))
    (local.set $lr (f32x4.splat (local.get $step)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gi (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $m1
          (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
                     (f32x4.mul (local.get $gi) (local.get $k1))))
        (local.set $v1
          (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
                     (f32x4.mul (f32x4.mul (local.get $gi) (local.get $gi)) (local.get $k2))))
        (v128.store (i32.add (local.get $mOut) (local.get $i)) (local.get $m1))
        (v128.store (i32.add (local.get $vOut) (local.get $i)) (local.get $v1))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div (f32x4.div (local.get $m1) (local.get $d1))
                         (f32x4.add (f32x4.sqrt (f32x4.div (local.get $v1) (local.get $d2))) (local.get $eps)))
              (local.get $lr))
            (v128.load (i32.add (local.get $w) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))
  (func (export "transpose")
    (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) ;; byte addresses; the matrix's shape
    (local $i i32) (local $j i32) (local $rows4 i32) (local $cols4 i32)
    (local $rowBytes i32) (local $colBytes i32) (local $s i32) (local $d i32)
    (local $a v128) (local $b v128) (local $c v128) (local $e v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))  ;; a source row; a destination row is
    (local.set $colBytes (i32.shl (local.get $rows) (i32.const 2)))  ;; `rows` values long
    (block $rowsDone
      (loop $nextRows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows4)))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $nextCols
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $cols4)))
            ;; s = src + (i·cols + j)·4, d = dst + (j·rows + i)·4
            (local.set $s (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2))))
            (local.set $d (i32.add (local.get $dst)
              (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2))))
            (local.set $a (v128.load (local.get $s)))
            (local.set $b (v128.load (i32.add (local.get $s) (local.get $rowBytes))))
            (local.set $c (v128.load (i32.add (local.get $s) (i32.shl (local.get $rowBytes) (i32.const 1)))))
            (local.set $e (v128.load (i32.add (local.get $s) (i32.mul (local.get $rowBytes) (i32.const 3)))))
            ;; lanes a0 b0 a1 b1 | a2 b2 a3 b3 | c0 e0 c1 e1 | c2 e2 c3 e3
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $c) (local.get $e)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $c) (local.get $e)))
            ;; columns j..j+3 of rows i..i+3: a0 b0 c0 e0, a1 b1 c1 e1, a2 b2 c2 e2, a3 b3 c3 e3
            (v128.store (local.get $d)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $d) (local.get $colBytes))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $d) (i32.shl (local.get $colBytes) (i32.const 1)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store (i32.add (local.get $d) (i32.mul (local.get $colBytes) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $nextCols)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $nextRows))))
  (func (export "bias_add")
    (param $p i32) (param $b i32) (param $rows i32) (param $cols i32) ;; byte addresses; the matrix's shape
    (local $r i32) (local $c i32) (local $cols4 i32) (local $row i32) (local $at i32)
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $row (local.get $p))
    (block $done
      (loop $nextRow
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $lanesDone
          (loop $nextLanes
            (br_if $lanesDone (i32.ge_u (local.get $c) (local.get $cols4)))
            (local.set $at (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2))))
            (v128.store (local.get $at)
              (f32x4.add (v128.load (local.get $at))
                         (v128.load (i32.add (local.get $b) (i32.shl (local.get $c) (i32.const 2))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $nextLanes)))
        (block $restDone
          (loop $nextRest
            (br_if $restDone (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $at (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2))))
            (f32.store (local.get $at)
              (f32.add (f32.load (local.get $at))
                       (f32.load (i32.add (local.get $b) (i32.shl (local.get $c) (i32.const 2))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $nextRest)))
        (local.set $row (i32.add (local.get $row) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $nextRow))))
  (func (export "relu")
    (param $src i32) (param $dst i32) (param $n i32)               ;; byte addresses, any count
    (result i32)
    (local $i i32) (local $end i32) (local $end4 i32) (local $v v128) (local $s i32) (local $nan v128) (local $one i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $v (v128.load (i32.add (local.get $src) (local.get $i))))
        ;; a NaN with the sign bit: 0xff800001..0xffffffff, as int32s −0x7fffff..−1
        (local.set $nan (v128.or (local.get $nan)
          (v128.and (i32x4.gt_s (local.get $v) (v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000))
                    (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)))))
        (v128.store (i32.add (local.get $dst) (local.get $i)) (i32x4.max_s (local.get $v) (v128.const i32x4 0 0 0 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (block $restDone
      (loop $nextRest
        (br_if $restDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $s (i32.load (i32.add (local.get $src) (local.get $i))))
        (if (i32.and (i32.gt_s (local.get $s) (i32.const 0xff800000)) (i32.lt_s (local.get $s) (i32.const 0)))
          (then (local.set $one (i32.const 1))))
        (i32.store (i32.add (local.get $dst) (local.get $i))
          (select (local.get $s) (i32.const 0) (i32.gt_s (local.get $s) (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $nextRest)))
    (i32.or (local.get $one) (v128.any_true (local.get $nan))))
  (func (export "relu_grad")
    (param $dy i32) (param $y i32) (param $out i32) (param $n i32)  ;; byte addresses, any count
    (local $i i32) (local $end i32) (local $end4 i32) (local $v v128) (local $f f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $v (v128.load (i32.add (local.get $y) (local.get $i))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.mul
            (v128.load (i32.add (local.get $dy) (local.get $i)))
            (v128.bitselect
              (local.get $v)
              (v128.and (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1))
              (f32x4.ne (local.get $v) (local.get $v)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (block $restDone
      (loop $nextRest
        (br_if $restDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $f (f32.load (i32.add (local.get $y) (local.get $i))))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.mul
            (f32.load (i32.add (local.get $dy) (local.get $i)))
            (select (local.get $f)
                    (select (f32.const 1) (f32.const 0) (f32.gt (local.get $f) (f32.const 0)))
                    (f32.ne (local.get $f) (local.get $f)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $nextRest))))
  (func (export "col_sum")
    (param $g i32) (param $out i32) (param $rows i32) (param $cols i32) ;; byte addresses; the matrix's shape
    (local $r i32) (local $c i32) (local $cols4 i32) (local $rowBytes i32) (local $at i32)
    (local $acc v128) (local $sum f32)
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $lanesDone
      (loop $nextLanes
        (br_if $lanesDone (i32.ge_u (local.get $c) (local.get $cols4)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $at (i32.add (local.get $g) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $r (i32.const 0))
        (block $rowsDone
          (loop $nextRow
            (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $at))))
            (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $nextRow)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))) (local.get $acc))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $nextLanes)))
    (block $restDone
      (loop $nextRest
        (br_if $restDone (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $sum (f32.const 0))
        (local.set $at (i32.add (local.get $g) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $r (i32.const 0))
        (block $rowsDone2
          (loop $nextRow2
            (br_if $rowsDone2 (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $sum (f32.add (local.get $sum) (f32.load (local.get $at))))
            (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $nextRow2)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))) (local.get $sum))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $nextRest))))
  (func (export "gemm")
    (param $a i32) (param $b i32) (param $c i32) (param $M i32) (param $K i32) (param $N i32)
    (param $aRow i32) (param $aK i32)                              ;; a's strides in bytes: row, k
    (param $list i32)                                              ;; K i32s of scratch for the sparse tiles; 0: none
    (local $i i32) (local $j i32) (local $M4 i32) (local $N8 i32) (local $N4 i32) (local $end i32)
    (local $bK i32) (local $cRow i32) (local $ai i32) (local $ci i32)
    (local.set $M4 (i32.and (local.get $M) (i32.const -4)))
    (local.set $N8 (i32.and (local.get $N) (i32.const -8)))
    (local.set $N4 (i32.and (local.get $N) (i32.const -4)))
    (local.set $bK (i32.shl (local.get $N) (i32.const 2)))
    (local.set $cRow (local.get $bK))
    (block $rowsDone
      (loop $nextRows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $M)))
        (local.set $ai (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $ci (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $cRow))))
        (local.set $j (i32.const 0))
        (if (i32.lt_u (local.get $i) (local.get $M4))
          (then
            ;; sparse tiles where a quarter or more of the k's have zeros in all four rows
            (local.set $end (i32.const 0))
            (if (local.get $list)
              (then (local.set $end (call $nonzero (local.get $ai) (local.get $aRow) (local.get $aK) (local.get $K) (local.get $list)))))
            (if (i32.and (i32.ne (local.get $list) (i32.const 0))
                         (i32.le_u (i32.shl (i32.sub (local.get $end) (local.get $list)) (i32.const 2)) (i32.mul (local.get $K) (i32.const 12))))
              (then
                (block $s8d (loop $s8n
                  (br_if $s8d (i32.ge_u (local.get $j) (local.get $N8)))
                  (call $s4x8 (local.get $ai) (local.get $aRow) (local.get $aK)
                (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bK)
                (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $cRow) (local.get $list) (local.get $end))
                  (local.set $j (i32.add (local.get $j) (i32.const 8)))
                  (br $s8n)))
                (block $s4d (loop $s4n
                  (br_if $s4d (i32.ge_u (local.get $j) (local.get $N4)))
                  (call $s4x4 (local.get $ai) (local.get $aRow) (local.get $aK)
                (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bK)
                (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $cRow) (local.get $list) (local.get $end))
                  (local.set $j (i32.add (local.get $j) (i32.const 4)))
                  (br $s4n))))
              (else
                (block $d8d (loop $d8n
                  (br_if $d8d (i32.ge_u (local.get $j) (local.get $N8)))
                  (call $t4x8 (local.get $ai) (local.get $aRow) (local.get $aK)
                (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bK)
                (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $cRow) (local.get $K))
                  (local.set $j (i32.add (local.get $j) (i32.const 8)))
                  (br $d8n)))
                (block $d4d (loop $d4n
                  (br_if $d4d (i32.ge_u (local.get $j) (local.get $N4)))
                  (call $t4x4 (local.get $ai) (local.get $aRow) (local.get $aK)
                (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bK)
                (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $cRow) (local.get $K))
                  (local.set $j (i32.add (local.get $j) (i32.const 4)))
                  (br $d4n)))))
            (block $d1d (loop $d1n
              (br_if $d1d (i32.ge_u (local.get $j) (local.get $N)))
              (call $t4x1 (local.get $ai) (local.get $aRow) (local.get $aK)
                (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bK)
                (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $cRow) (local.get $K))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $d1n)))
            (local.set $i (i32.add (local.get $i) (i32.const 4))))
          (else
            (block $e8d (loop $e8n
              (br_if $e8d (i32.ge_u (local.get $j) (local.get $N8)))
              (call $t1x8 (local.get $ai) (local.get $aRow) (local.get $aK)
                (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bK)
                (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $cRow) (local.get $K))
              (local.set $j (i32.add (local.get $j) (i32.const 8)))
              (br $e8n)))
            (block $e4d (loop $e4n
              (br_if $e4d (i32.ge_u (local.get $j) (local.get $N4)))
              (call $t1x4 (local.get $ai) (local.get $aRow) (local.get $aK)
                (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bK)
                (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $cRow) (local.get $K))
              (local.set $j (i32.add (local.get $j) (i32.const 4)))
              (br $e4n)))
            (block $e1d (loop $e1n
              (br_if $e1d (i32.ge_u (local.get $j) (local.get $N)))
              (call $t1x1 (local.get $ai) (local.get $aRow) (local.get $aK)
                (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bK)
                (i32.add (local.get $ci) (i32.shl (local.get $j) (i32.const 2))) (local.get $cRow) (local.get $K))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $e1n)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br $nextRows))))
  ;; Lists (as i32s from $list) the k where one of four rows of a, from $a, is not ±0; returns the list's end
  (func $nonzero (param $a i32) (param $aRow i32) (param $aK i32) (param $K i32) (param $list i32) (result i32)
    (local $k i32) (local $row2 i32) (local $row3 i32)
    (local.set $row2 (i32.shl (local.get $aRow) (i32.const 1)))
    (local.set $row3 (i32.add (local.get $row2) (local.get $aRow)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
        (i32.store (local.get $list) (local.get $k))
        (local.set $list (i32.add (local.get $list)
          (select (i32.const 4) (i32.const 0)
            (i32.and
              (i32.or (i32.or (i32.load (local.get $a)) (i32.load (i32.add (local.get $a) (local.get $aRow))))
                      (i32.or (i32.load (i32.add (local.get $a) (local.get $row2)))
                              (i32.load (i32.add (local.get $a) (local.get $row3)))))
              (i32.const 0x7fffffff)))))
        (local.set $a (i32.add (local.get $a) (local.get $aK)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (local.get $list))
  (func $t4x8
    (param $a i32) (param $aRow i32) (param $aK i32) (param $b i32) (param $bK i32) (param $c i32) (param $cRow i32) (param $K i32)
    (local $k i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $v0 v128) (local $v1 v128) (local $s v128)
    (local.set $p1 (i32.add (local.get $a) (local.get $aRow)))
    (local.set $p2 (i32.add (local.get $p1) (local.get $aRow)))
    (local.set $p3 (i32.add (local.get $p2) (local.get $aRow)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $v0 (v128.load offset=0 (local.get $b)))
        (local.set $v1 (v128.load offset=16 (local.get $b)))
        (local.set $s (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $v1))))
        (local.set $s (v128.load32_splat (local.get $p1)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $v1))))
        (local.set $s (v128.load32_splat (local.get $p2)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $v1))))
        (local.set $s (v128.load32_splat (local.get $p3)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $v1))))
        (local.set $a (i32.add (local.get $a) (local.get $aK)))
        (local.set $p1 (i32.add (local.get $p1) (local.get $aK)))
        (local.set $p2 (i32.add (local.get $p2) (local.get $aK)))
        (local.set $p3 (i32.add (local.get $p3) (local.get $aK)))
        (local.set $b (i32.add (local.get $b) (local.get $bK)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (v128.store offset=0 (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))
  (func $t4x4
    (param $a i32) (param $aRow i32) (param $aK i32) (param $b i32) (param $bK i32) (param $c i32) (param $cRow i32) (param $K i32)
    (local $k i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $c00 v128) (local $c10 v128) (local $c20 v128) (local $c30 v128)
    (local $v0 v128) (local $s v128)
    (local.set $p1 (i32.add (local.get $a) (local.get $aRow)))
    (local.set $p2 (i32.add (local.get $p1) (local.get $aRow)))
    (local.set $p3 (i32.add (local.get $p2) (local.get $aRow)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $v0 (v128.load offset=0 (local.get $b)))
        (local.set $s (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $s (v128.load32_splat (local.get $p1)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $s (v128.load32_splat (local.get $p2)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $s (v128.load32_splat (local.get $p3)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $a (i32.add (local.get $a) (local.get $aK)))
        (local.set $p1 (i32.add (local.get $p1) (local.get $aK)))
        (local.set $p2 (i32.add (local.get $p2) (local.get $aK)))
        (local.set $p3 (i32.add (local.get $p3) (local.get $aK)))
        (local.set $b (i32.add (local.get $b) (local.get $bK)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (v128.store offset=0 (local.get $c) (local.get $c00))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c10))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c20))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c30)))
  (func $t4x1
    (param $a i32) (param $aRow i32) (param $aK i32) (param $b i32) (param $bK i32) (param $c i32) (param $cRow i32) (param $K i32)
    (local $k i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $acc0 f32) (local $acc1 f32) (local $acc2 f32) (local $acc3 f32) (local $v f32)
    (local.set $p1 (i32.add (local.get $a) (local.get $aRow)))
    (local.set $p2 (i32.add (local.get $p1) (local.get $aRow)))
    (local.set $p3 (i32.add (local.get $p2) (local.get $aRow)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $v (f32.load (local.get $b)))
        (local.set $acc0 (f32.add (local.get $acc0) (f32.mul (f32.load (local.get $a)) (local.get $v))))
        (local.set $acc1 (f32.add (local.get $acc1) (f32.mul (f32.load (local.get $p1)) (local.get $v))))
        (local.set $acc2 (f32.add (local.get $acc2) (f32.mul (f32.load (local.get $p2)) (local.get $v))))
        (local.set $acc3 (f32.add (local.get $acc3) (f32.mul (f32.load (local.get $p3)) (local.get $v))))
        (local.set $a (i32.add (local.get $a) (local.get $aK)))
        (local.set $p1 (i32.add (local.get $p1) (local.get $aK)))
        (local.set $p2 (i32.add (local.get $p2) (local.get $aK)))
        (local.set $p3 (i32.add (local.get $p3) (local.get $aK)))
        (local.set $b (i32.add (local.get $b) (local.get $bK)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (f32.store (local.get $c) (local.get $acc0))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (f32.store (local.get $c) (local.get $acc1))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (f32.store (local.get $c) (local.get $acc2))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (f32.store (local.get $c) (local.get $acc3)))
  (func $t1x8
    (param $a i32) (param $aRow i32) (param $aK i32) (param $b i32) (param $bK i32) (param $c i32) (param $cRow i32) (param $K i32)
    (local $k i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $c00 v128) (local $c01 v128)
    (local $v0 v128) (local $v1 v128) (local $s v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $v0 (v128.load offset=0 (local.get $b)))
        (local.set $v1 (v128.load offset=16 (local.get $b)))
        (local.set $s (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $v1))))
        (local.set $a (i32.add (local.get $a) (local.get $aK)))
        (local.set $b (i32.add (local.get $b) (local.get $bK)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (v128.store offset=0 (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01)))
  (func $t1x4
    (param $a i32) (param $aRow i32) (param $aK i32) (param $b i32) (param $bK i32) (param $c i32) (param $cRow i32) (param $K i32)
    (local $k i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $c00 v128)
    (local $v0 v128) (local $s v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $v0 (v128.load offset=0 (local.get $b)))
        (local.set $s (v128.load32_splat (local.get $a)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $a (i32.add (local.get $a) (local.get $aK)))
        (local.set $b (i32.add (local.get $b) (local.get $bK)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (v128.store offset=0 (local.get $c) (local.get $c00)))
  (func $t1x1
    (param $a i32) (param $aRow i32) (param $aK i32) (param $b i32) (param $bK i32) (param $c i32) (param $cRow i32) (param $K i32)
    (local $k i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $acc0 f32) (local $v f32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $K)))
        (local.set $v (f32.load (local.get $b)))
        (local.set $acc0 (f32.add (local.get $acc0) (f32.mul (f32.load (local.get $a)) (local.get $v))))
        (local.set $a (i32.add (local.get $a) (local.get $aK)))
        (local.set $b (i32.add (local.get $b) (local.get $bK)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (f32.store (local.get $c) (local.get $acc0)))
  (func $s4x8
    (param $a i32) (param $aRow i32) (param $aK i32) (param $b i32) (param $bK i32) (param $c i32) (param $cRow i32)
    (param $list i32) (param $end i32)                              ;; the k list, byte addresses
    (local $k i32) (local $pa i32) (local $pb i32) (local $row2 i32) (local $row3 i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $v0 v128) (local $v1 v128) (local $s v128)
    (local.set $row2 (i32.shl (local.get $aRow) (i32.const 1)))
    (local.set $row3 (i32.add (local.get $row2) (local.get $aRow)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $list) (local.get $end)))
        (local.set $k (i32.load (local.get $list)))
        (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $k) (local.get $aK))))
        (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $bK))))
        (local.set $v0 (v128.load offset=0 (local.get $pb)))
        (local.set $v1 (v128.load offset=16 (local.get $pb)))
        (local.set $s (v128.load32_splat (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $v1))))
        (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $aRow))))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $v1))))
        (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $row2))))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $v1))))
        (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $row3))))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $v1))))
        (local.set $list (i32.add (local.get $list) (i32.const 4)))
        (br $next)))
    (v128.store offset=0 (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))
  (func $s4x4
    (param $a i32) (param $aRow i32) (param $aK i32) (param $b i32) (param $bK i32) (param $c i32) (param $cRow i32)
    (param $list i32) (param $end i32)                              ;; the k list, byte addresses
    (local $k i32) (local $pa i32) (local $pb i32) (local $row2 i32) (local $row3 i32)
    (local $c00 v128) (local $c10 v128) (local $c20 v128) (local $c30 v128)
    (local $v0 v128) (local $s v128)
    (local.set $row2 (i32.shl (local.get $aRow) (i32.const 1)))
    (local.set $row3 (i32.add (local.get $row2) (local.get $aRow)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $list) (local.get $end)))
        (local.set $k (i32.load (local.get $list)))
        (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $k) (local.get $aK))))
        (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $bK))))
        (local.set $v0 (v128.load offset=0 (local.get $pb)))
        (local.set $s (v128.load32_splat (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $aRow))))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $row2))))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $row3))))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $v0))))
        (local.set $list (i32.add (local.get $list) (i32.const 4)))
        (br $next)))
    (v128.store offset=0 (local.get $c) (local.get $c00))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c10))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c20))
    (local.set $c (i32.add (local.get $c) (local.get $cRow)))
    (v128.store offset=0 (local.get $c) (local.get $c30))))
