;; The loss-scaled step's kernels in WebAssembly SIMD, four lanes a turn; the caller handles the last n mod 4
;; elements. The memory is imported: they run on tfjs-wasm's heap.
;;   all_finite: 1 where no lane has an all-ones exponent (inf or NaN), else 0.
;;   unscale: out = x / s (f32x4 division, correctly rounded as tf.div's); 1 where every quotient is finite.
;;   adam: one Adam step, op by op as tfjs' AdamOptimizer in float32 (f32x4 div and sqrt are correctly
;;   rounded, as tfjs' float32 kernels are):
;;     m' = m·β1 + g·(1−β1)        v' = v·β2 + (g·g)·(1−β2)
;;     w' = ((m'/bias1) / (√(v'/bias2) + ε))·step + w,   bias = 1 − βᵗ, step = −lr
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
        (br $next)))))
