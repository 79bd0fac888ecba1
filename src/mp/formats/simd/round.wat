;; SIMD rounding of float32 bit patterns to a narrower float format, sixteen lanes per loop turn
;; (four vectors, written out: V8 does not inline wasm calls, and a call per vector halves the speed).
;; Two kernels with one signature. `round` computes the normal-range result only (step 2 of the converter
;; in round.ts) and flags every other lane; `round_full`, for data with lanes outside the normal range,
;; also rounds subnormals, overflow and negative lanes of unsigned formats itself, each step where the
;; plan's `features` bits ask for it (one branch per step and turn, so a format pays only for its steps):
;;   step 2, a = |v| bits: r = (a + roundAdd + ((a >> shift) & lsbMask)) & keep (any rounding mode); or,
;;     ties to even (features & 16), by the FPU: r = bits of (|x| + c) − c with c = 2^(e + shift) for
;;     |x| = 1.m·2^e (its ulp is the format's), c ≥ magic; where saturating, |x| is first clamped to
;;     ovFrom + 1, so that c stays finite
;;   below the smallest normal (a < normalStart; features & 4, or the magic bound of c above):
;;     r = bits of (|x| + magic) − magic, magic = q·2^23 (q the smallest subnormal): the float add rounds
;;     |x| to a multiple of q, ties to even, and the subtraction is exact
;;   overflow: r = min(r, maxBits) (features & 1, saturation), or ovOut where a > ovFrom (features & 2)
;;   out = r | sign, or negOut where v is negative (features & 8: unsigned formats, NaN)
;; Each kernel lists the lanes that need the scalar path: c < low or c > high (signed compares), where
;; c = v & checkMask in `round` and a in `round_full`. For `round`, the plan sets them to the normal range;
;; for `round_full`, to the range its steps get right. In `round`, zeros (c = zeroPass) pass where the
;; formula keeps them exact (formats with a signed zero); elsewhere zeroPass is normalStart, which passes anyway.
;; round.ts fixes flagged lanes afterwards, from the input bits the kernels record with each lane's index (so
;; src may be dst).
;; The memory is imported, so the same code runs on a buffer of its own or on tfjs-wasm's heap.
(module
  (import "env" "memory" (memory 1))
  (func (export "round")
    (param $src i32) (param $dst i32) (param $n i32)  ;; byte addresses, and a lane count that is a multiple of 16
    (param $roundAdd1 i32) (param $lsbBit i32) (param $keep i32)
    (param $normalStart i32) (param $maxBits i32) (param $checkMask i32) (param $zeroPass i32)
    (param $idx i32)                                   ;; where to write flagged lanes: (index, input bits) pairs
    (param $low i32) (param $high i32) (param $ovOut i32) (param $magic f32)
    (param $features i32) (param $negOut i32) (param $ovFrom i32)  ;; round_full's only: one signature for both
    (result i32)                                       ;; how many pairs were written
    (local $i i32) (local $count i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $a v128) (local $c v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $add v128) (local $lsb v128) (local $keepV v128) (local $check v128) (local $zero v128)
    (local $lowV v128) (local $highV v128)
    (local.set $add (i32x4.splat (local.get $roundAdd1)))
    (local.set $lsb (i32x4.splat (local.get $lsbBit)))
    (local.set $keepV (i32x4.splat (local.get $keep)))
    (local.set $check (i32x4.splat (local.get $checkMask)))
    (local.set $zero (i32x4.splat (local.get $zeroPass)))
    (local.set $lowV (i32x4.splat (local.get $low)))
    (local.set $highV (i32x4.splat (local.get $high)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v0 (v128.load offset=0 (local.get $src)))
        (local.set $a (v128.and (local.get $v0) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (v128.store offset=0 (local.get $dst)
          (v128.or
            (v128.and
              (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                         (i32x4.eq (v128.and (local.get $a) (local.get $lsb)) (v128.const i32x4 0 0 0 0)))
              (local.get $keepV))
            (v128.xor (local.get $v0) (local.get $a))))
        (local.set $c (v128.and (local.get $v0) (local.get $check)))
        (local.set $s0 (v128.andnot (i32x4.gt_s (i32x4.add (local.get $c) (local.get $lowV)) (local.get $highV))
                                  (i32x4.eq (local.get $c) (local.get $zero))))
        (local.set $v1 (v128.load offset=16 (local.get $src)))
        (local.set $a (v128.and (local.get $v1) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (v128.store offset=16 (local.get $dst)
          (v128.or
            (v128.and
              (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                         (i32x4.eq (v128.and (local.get $a) (local.get $lsb)) (v128.const i32x4 0 0 0 0)))
              (local.get $keepV))
            (v128.xor (local.get $v1) (local.get $a))))
        (local.set $c (v128.and (local.get $v1) (local.get $check)))
        (local.set $s1 (v128.andnot (i32x4.gt_s (i32x4.add (local.get $c) (local.get $lowV)) (local.get $highV))
                                  (i32x4.eq (local.get $c) (local.get $zero))))
        (local.set $v2 (v128.load offset=32 (local.get $src)))
        (local.set $a (v128.and (local.get $v2) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (v128.store offset=32 (local.get $dst)
          (v128.or
            (v128.and
              (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                         (i32x4.eq (v128.and (local.get $a) (local.get $lsb)) (v128.const i32x4 0 0 0 0)))
              (local.get $keepV))
            (v128.xor (local.get $v2) (local.get $a))))
        (local.set $c (v128.and (local.get $v2) (local.get $check)))
        (local.set $s2 (v128.andnot (i32x4.gt_s (i32x4.add (local.get $c) (local.get $lowV)) (local.get $highV))
                                  (i32x4.eq (local.get $c) (local.get $zero))))
        (local.set $v3 (v128.load offset=48 (local.get $src)))
        (local.set $a (v128.and (local.get $v3) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (v128.store offset=48 (local.get $dst)
          (v128.or
            (v128.and
              (i32x4.add (i32x4.add (local.get $a) (local.get $add))
                         (i32x4.eq (v128.and (local.get $a) (local.get $lsb)) (v128.const i32x4 0 0 0 0)))
              (local.get $keepV))
            (v128.xor (local.get $v3) (local.get $a))))
        (local.set $c (v128.and (local.get $v3) (local.get $check)))
        (local.set $s3 (v128.andnot (i32x4.gt_s (i32x4.add (local.get $c) (local.get $lowV)) (local.get $highV))
                                  (i32x4.eq (local.get $c) (local.get $zero))))
        (if (v128.any_true (v128.or (v128.or (local.get $s0) (local.get $s1)) (v128.or (local.get $s2) (local.get $s3))))
          (then
            (local.set $count (call $record (local.get $s0) (local.get $v0) (local.get $idx) (local.get $count) (local.get $i)))
            (local.set $count (call $record (local.get $s1) (local.get $v1) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 4))))
            (local.set $count (call $record (local.get $s2) (local.get $v2) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 8))))
            (local.set $count (call $record (local.get $s3) (local.get $v3) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 12))))))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (local.get $count))
  (func (export "round_full")
    (param $src i32) (param $dst i32) (param $n i32)  ;; byte addresses, and a lane count that is a multiple of 16
    (param $roundAdd1 i32) (param $lsbBit i32) (param $keep i32)
    (param $normalStart i32) (param $maxBits i32) (param $checkMask i32) (param $zeroPass i32)  ;; the last two: round's only
    (param $idx i32)                                   ;; where to write flagged lanes: (index, input bits) pairs
    (param $low i32) (param $high i32) (param $ovOut i32) (param $magic f32)
    (param $features i32) (param $negOut i32) (param $ovFrom i32)
    (result i32)                                       ;; how many pairs were written
    (local $i i32) (local $count i32)
    (local $saturate i32) (local $overflow i32) (local $subnormal i32) (local $negative i32) (local $float i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $add v128) (local $lsb v128) (local $keepV v128) (local $norm v128) (local $max v128)
    (local $lowV v128) (local $highV v128) (local $ovV v128) (local $magicV v128) (local $negV v128)
    (local $ovFromV v128) (local $clampV v128) (local $ulpShift v128)
    (local.set $saturate (i32.and (local.get $features) (i32.const 1)))
    (local.set $overflow (i32.and (local.get $features) (i32.const 2)))
    (local.set $subnormal (i32.and (local.get $features) (i32.const 4)))
    (local.set $negative (i32.and (local.get $features) (i32.const 8)))
    (local.set $float (i32.and (local.get $features) (i32.const 16)))
    (local.set $add (i32x4.splat (local.get $roundAdd1)))
    (local.set $lsb (i32x4.splat (local.get $lsbBit)))
    (local.set $keepV (i32x4.splat (local.get $keep)))
    (local.set $norm (i32x4.splat (local.get $normalStart)))
    (local.set $max (i32x4.splat (local.get $maxBits)))
    (local.set $lowV (i32x4.splat (local.get $low)))
    (local.set $highV (i32x4.splat (local.get $high)))
    (local.set $ovV (i32x4.splat (local.get $ovOut)))
    (local.set $magicV (f32x4.splat (local.get $magic)))
    (local.set $negV (i32x4.splat (local.get $negOut)))
    (local.set $ovFromV (i32x4.splat (local.get $ovFrom)))
    (local.set $clampV (i32x4.splat (i32.add (local.get $ovFrom) (i32.const 1))))
    ;; c = 2^(e + 23 − manBits) for |x| = 1.m·2^e: the exponent field plus (23 − manBits) << 23, where
    ;; 23 − manBits is the number of mantissa bits that keep clears
    (local.set $ulpShift (i32x4.splat (i32.shl (i32.ctz (local.get $keep)) (i32.const 23))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v0 (v128.load offset=0 (local.get $src)))
        (local.set $v1 (v128.load offset=16 (local.get $src)))
        (local.set $v2 (v128.load offset=32 (local.get $src)))
        (local.set $v3 (v128.load offset=48 (local.get $src)))
        (local.set $a0 (v128.and (local.get $v0) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $a1 (v128.and (local.get $v1) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $a2 (v128.and (local.get $v2) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $a3 (v128.and (local.get $v3) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)))
        (local.set $s0 (i32x4.gt_s (i32x4.add (local.get $a0) (local.get $lowV)) (local.get $highV)))
        (local.set $s1 (i32x4.gt_s (i32x4.add (local.get $a1) (local.get $lowV)) (local.get $highV)))
        (local.set $s2 (i32x4.gt_s (i32x4.add (local.get $a2) (local.get $lowV)) (local.get $highV)))
        (local.set $s3 (i32x4.gt_s (i32x4.add (local.get $a3) (local.get $lowV)) (local.get $highV)))
        (if (local.get $float)
          (then
            ;; ties to even by the FPU: (|x| + c) − c, c = max(2^(e + 23 − manBits), magic); |x| clamped
            ;; first where saturating, so that c stays finite
            (if (local.get $saturate)
              (then
                (local.set $r0 (i32x4.min_s (local.get $a0) (local.get $clampV)))
                (local.set $r1 (i32x4.min_s (local.get $a1) (local.get $clampV)))
                (local.set $r2 (i32x4.min_s (local.get $a2) (local.get $clampV)))
                (local.set $r3 (i32x4.min_s (local.get $a3) (local.get $clampV)))
              )
              (else
                (local.set $r0 (local.get $a0))
                (local.set $r1 (local.get $a1))
                (local.set $r2 (local.get $a2))
                (local.set $r3 (local.get $a3))
              ))
            (local.set $c0 (i32x4.max_s (i32x4.add (v128.and (local.get $r0) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                                                 (local.get $ulpShift))
                                      (local.get $magicV)))
            (local.set $r0 (f32x4.sub (f32x4.add (local.get $r0) (local.get $c0)) (local.get $c0)))
            (local.set $c1 (i32x4.max_s (i32x4.add (v128.and (local.get $r1) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                                                 (local.get $ulpShift))
                                      (local.get $magicV)))
            (local.set $r1 (f32x4.sub (f32x4.add (local.get $r1) (local.get $c1)) (local.get $c1)))
            (local.set $c2 (i32x4.max_s (i32x4.add (v128.and (local.get $r2) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                                                 (local.get $ulpShift))
                                      (local.get $magicV)))
            (local.set $r2 (f32x4.sub (f32x4.add (local.get $r2) (local.get $c2)) (local.get $c2)))
            (local.set $c3 (i32x4.max_s (i32x4.add (v128.and (local.get $r3) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
                                                 (local.get $ulpShift))
                                      (local.get $magicV)))
            (local.set $r3 (f32x4.sub (f32x4.add (local.get $r3) (local.get $c3)) (local.get $c3))))
          (else
            (local.set $r0 (v128.and
                         (i32x4.add (i32x4.add (local.get $a0) (local.get $add))
                                    (i32x4.eq (v128.and (local.get $a0) (local.get $lsb)) (v128.const i32x4 0 0 0 0)))
                         (local.get $keepV)))
            (local.set $r1 (v128.and
                         (i32x4.add (i32x4.add (local.get $a1) (local.get $add))
                                    (i32x4.eq (v128.and (local.get $a1) (local.get $lsb)) (v128.const i32x4 0 0 0 0)))
                         (local.get $keepV)))
            (local.set $r2 (v128.and
                         (i32x4.add (i32x4.add (local.get $a2) (local.get $add))
                                    (i32x4.eq (v128.and (local.get $a2) (local.get $lsb)) (v128.const i32x4 0 0 0 0)))
                         (local.get $keepV)))
            (local.set $r3 (v128.and
                         (i32x4.add (i32x4.add (local.get $a3) (local.get $add))
                                    (i32x4.eq (v128.and (local.get $a3) (local.get $lsb)) (v128.const i32x4 0 0 0 0)))
                         (local.get $keepV)))
            (if (local.get $subnormal)
              (then
                (local.set $r0 (v128.bitselect (f32x4.sub (f32x4.add (local.get $a0) (local.get $magicV)) (local.get $magicV))
                                             (local.get $r0) (i32x4.lt_s (local.get $a0) (local.get $norm))))
                (local.set $r1 (v128.bitselect (f32x4.sub (f32x4.add (local.get $a1) (local.get $magicV)) (local.get $magicV))
                                             (local.get $r1) (i32x4.lt_s (local.get $a1) (local.get $norm))))
                (local.set $r2 (v128.bitselect (f32x4.sub (f32x4.add (local.get $a2) (local.get $magicV)) (local.get $magicV))
                                             (local.get $r2) (i32x4.lt_s (local.get $a2) (local.get $norm))))
                (local.set $r3 (v128.bitselect (f32x4.sub (f32x4.add (local.get $a3) (local.get $magicV)) (local.get $magicV))
                                             (local.get $r3) (i32x4.lt_s (local.get $a3) (local.get $norm))))))))
        (if (local.get $saturate)
          (then
            (local.set $r0 (i32x4.min_s (local.get $r0) (local.get $max)))
            (local.set $r1 (i32x4.min_s (local.get $r1) (local.get $max)))
            (local.set $r2 (i32x4.min_s (local.get $r2) (local.get $max)))
            (local.set $r3 (i32x4.min_s (local.get $r3) (local.get $max)))))
        (if (local.get $overflow)
          (then
            (local.set $r0 (v128.bitselect (local.get $ovV) (local.get $r0) (i32x4.gt_s (local.get $a0) (local.get $ovFromV))))
            (local.set $r1 (v128.bitselect (local.get $ovV) (local.get $r1) (i32x4.gt_s (local.get $a1) (local.get $ovFromV))))
            (local.set $r2 (v128.bitselect (local.get $ovV) (local.get $r2) (i32x4.gt_s (local.get $a2) (local.get $ovFromV))))
            (local.set $r3 (v128.bitselect (local.get $ovV) (local.get $r3) (i32x4.gt_s (local.get $a3) (local.get $ovFromV))))))
        (local.set $r0 (v128.or (local.get $r0) (v128.xor (local.get $v0) (local.get $a0))))
        (local.set $r1 (v128.or (local.get $r1) (v128.xor (local.get $v1) (local.get $a1))))
        (local.set $r2 (v128.or (local.get $r2) (v128.xor (local.get $v2) (local.get $a2))))
        (local.set $r3 (v128.or (local.get $r3) (v128.xor (local.get $v3) (local.get $a3))))
        (if (local.get $negative)
          (then
            (local.set $r0 (v128.bitselect (local.get $negV) (local.get $r0) (i32x4.lt_s (local.get $v0) (v128.const i32x4 0 0 0 0))))
            (local.set $r1 (v128.bitselect (local.get $negV) (local.get $r1) (i32x4.lt_s (local.get $v1) (v128.const i32x4 0 0 0 0))))
            (local.set $r2 (v128.bitselect (local.get $negV) (local.get $r2) (i32x4.lt_s (local.get $v2) (v128.const i32x4 0 0 0 0))))
            (local.set $r3 (v128.bitselect (local.get $negV) (local.get $r3) (i32x4.lt_s (local.get $v3) (v128.const i32x4 0 0 0 0))))))
        (v128.store offset=0 (local.get $dst) (local.get $r0))
        (v128.store offset=16 (local.get $dst) (local.get $r1))
        (v128.store offset=32 (local.get $dst) (local.get $r2))
        (v128.store offset=48 (local.get $dst) (local.get $r3))
        (if (v128.any_true (v128.or (v128.or (local.get $s0) (local.get $s1)) (v128.or (local.get $s2) (local.get $s3))))
          (then
            (local.set $count (call $record (local.get $s0) (local.get $v0) (local.get $idx) (local.get $count) (local.get $i)))
            (local.set $count (call $record (local.get $s1) (local.get $v1) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 4))))
            (local.set $count (call $record (local.get $s2) (local.get $v2) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 8))))
            (local.set $count (call $record (local.get $s3) (local.get $v3) (local.get $idx) (local.get $count) (i32.add (local.get $i) (i32.const 12))))))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (local.get $count))
  ;; Appends each flagged lane's index (first + lane) and its input bits to idx, a pair of i32s per lane, so that
  ;; the scalar path reads the input even where the kernel rounds in place; returns the new count of pairs.
  (func $record (param $special v128) (param $v v128) (param $idx i32) (param $count i32) (param $first i32) (result i32)
    (if (i32x4.extract_lane 0 (local.get $special))
      (then (local.set $count (call $push (local.get $idx) (local.get $count) (local.get $first) (i32x4.extract_lane 0 (local.get $v))))))
    (if (i32x4.extract_lane 1 (local.get $special))
      (then (local.set $count (call $push (local.get $idx) (local.get $count) (i32.add (local.get $first) (i32.const 1)) (i32x4.extract_lane 1 (local.get $v))))))
    (if (i32x4.extract_lane 2 (local.get $special))
      (then (local.set $count (call $push (local.get $idx) (local.get $count) (i32.add (local.get $first) (i32.const 2)) (i32x4.extract_lane 2 (local.get $v))))))
    (if (i32x4.extract_lane 3 (local.get $special))
      (then (local.set $count (call $push (local.get $idx) (local.get $count) (i32.add (local.get $first) (i32.const 3)) (i32x4.extract_lane 3 (local.get $v))))))
    (local.get $count))
  (func $push (param $idx i32) (param $count i32) (param $index i32) (param $bits i32) (result i32)
    (i32.store (i32.add (local.get $idx) (i32.shl (local.get $count) (i32.const 3))) (local.get $index))
    (i32.store offset=4 (i32.add (local.get $idx) (i32.shl (local.get $count) (i32.const 3))) (local.get $bits))
    (i32.add (local.get $count) (i32.const 1))))
