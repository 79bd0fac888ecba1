;; SIMD rounding of float32 bit patterns to a narrower float format, sixteen lanes per loop turn
;; (four vectors, written out: V8 does not inline wasm calls, and a call per vector halves the speed).
;; Two kernels with one signature. `round` computes the normal-range result only (step 2 of the converter
;; in round.ts) and flags every other lane; `round_full`, for data with many lanes outside the normal range
;; (the narrow formats), also rounds subnormals, overflow and negative lanes of unsigned formats itself.
;; round_full computes for every lane:
;;   normal range (step 2 of the converter in round.ts):
;;     a = |v| bits,   r = (a + roundAdd + ((a >> shift) & lsbMask)) & keep;   r > maxBits: r = ovOut
;;   below the smallest normal (a < normalStart), where the plan allows it (subnormals, ties to even):
;;     r = bits of (|x| + magic) − magic, magic = q·2^23 (q the smallest subnormal): the float add rounds
;;     |x| to a multiple of q, ties to even, and the subtraction is exact
;;   out = r | sign, or negOut where v is negative and negMask is set (unsigned formats: NaN)
;; and lists the lanes that need the scalar path: c < low or c > high (signed compares), where
;; c = v & checkMask (`round` flags c < normalStart or c > maxBits). The plan sets low and high to the range the vector code gets right (at least the
;; normal range; with subnormals and saturation, every finite float32 normal). Zeros (c = zeroPass) pass
;; where the formula keeps them exact (formats with a signed zero); elsewhere zeroPass is −1, which c never
;; equals. round.ts fixes flagged lanes afterwards.
;; The memory is imported, so the same code runs on a buffer of its own or on tfjs-wasm's heap.
(module
  (import "env" "memory" (memory 1))
  (func (export "round")
    (param $src i32) (param $dst i32) (param $n i32)  ;; byte addresses, and a lane count that is a multiple of 16
    (param $shift i32) (param $roundAdd i32) (param $lsbMask i32) (param $keep i32)
    (param $normalStart i32) (param $maxBits i32) (param $checkMask i32) (param $zeroPass i32)
    (param $idx i32)                                   ;; where to write the indices of flagged lanes
    (param $low i32) (param $high i32) (param $ovOut i32) (param $magic f32) (param $unused f32)
    (param $negMask i32) (param $negOut i32)           ;; used by round_full only: one signature for both
    (result i32)                                       ;; how many indices were written
    (local $i i32) (local $count i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $a v128) (local $c v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $add v128) (local $lsb v128) (local $keepV v128) (local $norm v128) (local $max v128) (local $check v128) (local $zero v128)
    (local.set $add (i32x4.splat (local.get $roundAdd)))
    (local.set $lsb (i32x4.splat (local.get $lsbMask)))
    (local.set $keepV (i32x4.splat (local.get $keep)))
    (local.set $norm (i32x4.splat (local.get $normalStart)))
    (local.set $max (i32x4.splat (local.get $maxBits)))
    (local.set $check (i32x4.splat (local.get $checkMask)))
    (local.set $zero (i32x4.splat (local.get $zeroPass)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v0 (v128.load offset=0 (local.get $src)))
        (local.set $a (v128.and (local.get $v0) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (v128.store offset=0 (local.get $dst)
          (v128.or
            (v128.and
              (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                         (v128.and (i32x4.shr_u (local.get $a) (local.get $shift)) (local.get $lsb)))
              (local.get $keepV))
            (v128.xor (local.get $v0) (local.get $a))))
        (local.set $c (v128.and (local.get $v0) (local.get $check)))
        (local.set $s0 (v128.or (v128.andnot (i32x4.lt_s (local.get $c) (local.get $norm)) (i32x4.eq (local.get $c) (local.get $zero)))
                                  (i32x4.gt_s (local.get $c) (local.get $max))))
        (local.set $v1 (v128.load offset=16 (local.get $src)))
        (local.set $a (v128.and (local.get $v1) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (v128.store offset=16 (local.get $dst)
          (v128.or
            (v128.and
              (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                         (v128.and (i32x4.shr_u (local.get $a) (local.get $shift)) (local.get $lsb)))
              (local.get $keepV))
            (v128.xor (local.get $v1) (local.get $a))))
        (local.set $c (v128.and (local.get $v1) (local.get $check)))
        (local.set $s1 (v128.or (v128.andnot (i32x4.lt_s (local.get $c) (local.get $norm)) (i32x4.eq (local.get $c) (local.get $zero)))
                                  (i32x4.gt_s (local.get $c) (local.get $max))))
        (local.set $v2 (v128.load offset=32 (local.get $src)))
        (local.set $a (v128.and (local.get $v2) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (v128.store offset=32 (local.get $dst)
          (v128.or
            (v128.and
              (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                         (v128.and (i32x4.shr_u (local.get $a) (local.get $shift)) (local.get $lsb)))
              (local.get $keepV))
            (v128.xor (local.get $v2) (local.get $a))))
        (local.set $c (v128.and (local.get $v2) (local.get $check)))
        (local.set $s2 (v128.or (v128.andnot (i32x4.lt_s (local.get $c) (local.get $norm)) (i32x4.eq (local.get $c) (local.get $zero)))
                                  (i32x4.gt_s (local.get $c) (local.get $max))))
        (local.set $v3 (v128.load offset=48 (local.get $src)))
        (local.set $a (v128.and (local.get $v3) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (v128.store offset=48 (local.get $dst)
          (v128.or
            (v128.and
              (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                         (v128.and (i32x4.shr_u (local.get $a) (local.get $shift)) (local.get $lsb)))
              (local.get $keepV))
            (v128.xor (local.get $v3) (local.get $a))))
        (local.set $c (v128.and (local.get $v3) (local.get $check)))
        (local.set $s3 (v128.or (v128.andnot (i32x4.lt_s (local.get $c) (local.get $norm)) (i32x4.eq (local.get $c) (local.get $zero)))
                                  (i32x4.gt_s (local.get $c) (local.get $max))))
        (if (v128.any_true (v128.or (v128.or (local.get $s0) (local.get $s1)) (v128.or (local.get $s2) (local.get $s3))))
          (then
            (local.set $count (call $record (local.get $s0) (local.get $idx) (local.get $count) (local.get $i)))
            (local.set $count (call $record (local.get $s1) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 4))))
            (local.set $count (call $record (local.get $s2) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 8))))
            (local.set $count (call $record (local.get $s3) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 12))))))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (local.get $count))
  (func (export "round_full")
    (param $src i32) (param $dst i32) (param $n i32)  ;; byte addresses, and a lane count that is a multiple of 16
    (param $shift i32) (param $roundAdd i32) (param $lsbMask i32) (param $keep i32)
    (param $normalStart i32) (param $maxBits i32) (param $checkMask i32) (param $zeroPass i32)
    (param $idx i32)                                   ;; where to write the indices of flagged lanes
    (param $low i32) (param $high i32) (param $ovOut i32) (param $magic f32) (param $unused f32)
    (param $negMask i32) (param $negOut i32)
    (result i32)                                       ;; how many indices were written
    (local $i i32) (local $count i32)
    (local $v v128) (local $a v128) (local $c v128) (local $r v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $add v128) (local $lsb v128) (local $keepV v128) (local $norm v128) (local $max v128) (local $check v128) (local $zero v128)
    (local $lowV v128) (local $highV v128) (local $ovV v128) (local $invQV v128) (local $negM v128) (local $negV v128)
    (local.set $add (i32x4.splat (local.get $roundAdd)))
    (local.set $lsb (i32x4.splat (local.get $lsbMask)))
    (local.set $keepV (i32x4.splat (local.get $keep)))
    (local.set $norm (i32x4.splat (local.get $normalStart)))
    (local.set $max (i32x4.splat (local.get $maxBits)))
    (local.set $check (i32x4.splat (local.get $checkMask)))
    (local.set $zero (i32x4.splat (local.get $zeroPass)))
    (local.set $lowV (i32x4.splat (local.get $low)))
    (local.set $highV (i32x4.splat (local.get $high)))
    (local.set $ovV (i32x4.splat (local.get $ovOut)))
    (local.set $invQV (f32x4.splat (local.get $magic)))
    (local.set $negM (i32x4.splat (local.get $negMask)))
    (local.set $negV (i32x4.splat (local.get $negOut)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v (v128.load offset=0 (local.get $src)))
        (local.set $a (v128.and (local.get $v) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $r (v128.and
                        (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                                   (v128.and (i32x4.shr_u (local.get $a) (local.get $shift)) (local.get $lsb)))
                        (local.get $keepV)))
        (local.set $r (v128.bitselect (local.get $ovV) (local.get $r) (i32x4.gt_s (local.get $r) (local.get $max))))
        (local.set $r (v128.bitselect
                        (f32x4.sub (f32x4.add (local.get $a) (local.get $invQV)) (local.get $invQV))
                        (local.get $r)
                        (i32x4.lt_s (local.get $a) (local.get $norm))))
        (v128.store offset=0 (local.get $dst)
          (v128.bitselect (local.get $negV)
                          (v128.or (local.get $r) (v128.xor (local.get $v) (local.get $a)))
                          (v128.and (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)) (local.get $negM))))
        (local.set $c (v128.and (local.get $v) (local.get $check)))
        (local.set $s0 (v128.or (v128.andnot (i32x4.lt_s (local.get $c) (local.get $lowV)) (i32x4.eq (local.get $c) (local.get $zero)))
                                  (i32x4.gt_s (local.get $c) (local.get $highV))))
        (local.set $v (v128.load offset=16 (local.get $src)))
        (local.set $a (v128.and (local.get $v) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $r (v128.and
                        (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                                   (v128.and (i32x4.shr_u (local.get $a) (local.get $shift)) (local.get $lsb)))
                        (local.get $keepV)))
        (local.set $r (v128.bitselect (local.get $ovV) (local.get $r) (i32x4.gt_s (local.get $r) (local.get $max))))
        (local.set $r (v128.bitselect
                        (f32x4.sub (f32x4.add (local.get $a) (local.get $invQV)) (local.get $invQV))
                        (local.get $r)
                        (i32x4.lt_s (local.get $a) (local.get $norm))))
        (v128.store offset=16 (local.get $dst)
          (v128.bitselect (local.get $negV)
                          (v128.or (local.get $r) (v128.xor (local.get $v) (local.get $a)))
                          (v128.and (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)) (local.get $negM))))
        (local.set $c (v128.and (local.get $v) (local.get $check)))
        (local.set $s1 (v128.or (v128.andnot (i32x4.lt_s (local.get $c) (local.get $lowV)) (i32x4.eq (local.get $c) (local.get $zero)))
                                  (i32x4.gt_s (local.get $c) (local.get $highV))))
        (local.set $v (v128.load offset=32 (local.get $src)))
        (local.set $a (v128.and (local.get $v) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $r (v128.and
                        (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                                   (v128.and (i32x4.shr_u (local.get $a) (local.get $shift)) (local.get $lsb)))
                        (local.get $keepV)))
        (local.set $r (v128.bitselect (local.get $ovV) (local.get $r) (i32x4.gt_s (local.get $r) (local.get $max))))
        (local.set $r (v128.bitselect
                        (f32x4.sub (f32x4.add (local.get $a) (local.get $invQV)) (local.get $invQV))
                        (local.get $r)
                        (i32x4.lt_s (local.get $a) (local.get $norm))))
        (v128.store offset=32 (local.get $dst)
          (v128.bitselect (local.get $negV)
                          (v128.or (local.get $r) (v128.xor (local.get $v) (local.get $a)))
                          (v128.and (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)) (local.get $negM))))
        (local.set $c (v128.and (local.get $v) (local.get $check)))
        (local.set $s2 (v128.or (v128.andnot (i32x4.lt_s (local.get $c) (local.get $lowV)) (i32x4.eq (local.get $c) (local.get $zero)))
                                  (i32x4.gt_s (local.get $c) (local.get $highV))))
        (local.set $v (v128.load offset=48 (local.get $src)))
        (local.set $a (v128.and (local.get $v) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $r (v128.and
                        (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                                   (v128.and (i32x4.shr_u (local.get $a) (local.get $shift)) (local.get $lsb)))
                        (local.get $keepV)))
        (local.set $r (v128.bitselect (local.get $ovV) (local.get $r) (i32x4.gt_s (local.get $r) (local.get $max))))
        (local.set $r (v128.bitselect
                        (f32x4.sub (f32x4.add (local.get $a) (local.get $invQV)) (local.get $invQV))
                        (local.get $r)
                        (i32x4.lt_s (local.get $a) (local.get $norm))))
        (v128.store offset=48 (local.get $dst)
          (v128.bitselect (local.get $negV)
                          (v128.or (local.get $r) (v128.xor (local.get $v) (local.get $a)))
                          (v128.and (i32x4.lt_s (local.get $v) (v128.const i32x4 0 0 0 0)) (local.get $negM))))
        (local.set $c (v128.and (local.get $v) (local.get $check)))
        (local.set $s3 (v128.or (v128.andnot (i32x4.lt_s (local.get $c) (local.get $lowV)) (i32x4.eq (local.get $c) (local.get $zero)))
                                  (i32x4.gt_s (local.get $c) (local.get $highV))))
        (if (v128.any_true (v128.or (v128.or (local.get $s0) (local.get $s1)) (v128.or (local.get $s2) (local.get $s3))))
          (then
            (local.set $count (call $record (local.get $s0) (local.get $idx) (local.get $count) (local.get $i)))
            (local.set $count (call $record (local.get $s1) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 4))))
            (local.set $count (call $record (local.get $s2) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 8))))
            (local.set $count (call $record (local.get $s3) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 12))))))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (local.get $count))
  ;; Appends the index of each flagged lane (first + lane) to idx; returns the new count.
  (func $record (param $special v128) (param $idx i32) (param $count i32) (param $first i32) (result i32)
    (if (i32x4.extract_lane 0 (local.get $special))
      (then (local.set $count (call $push (local.get $idx) (local.get $count) (local.get $first)))))
    (if (i32x4.extract_lane 1 (local.get $special))
      (then (local.set $count (call $push (local.get $idx) (local.get $count) (i32.add (local.get $first) (i32.const 1))))))
    (if (i32x4.extract_lane 2 (local.get $special))
      (then (local.set $count (call $push (local.get $idx) (local.get $count) (i32.add (local.get $first) (i32.const 2))))))
    (if (i32x4.extract_lane 3 (local.get $special))
      (then (local.set $count (call $push (local.get $idx) (local.get $count) (i32.add (local.get $first) (i32.const 3))))))
    (local.get $count))
  (func $push (param $idx i32) (param $count i32) (param $value i32) (result i32)
    (i32.store (i32.add (local.get $idx) (i32.shl (local.get $count) (i32.const 2))) (local.get $value))
    (i32.add (local.get $count) (i32.const 1))))
