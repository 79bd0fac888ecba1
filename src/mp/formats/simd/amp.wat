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
        (br $nextRows)))))
