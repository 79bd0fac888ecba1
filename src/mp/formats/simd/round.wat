;; SIMD rounding of float32 bit patterns to a narrower float format, sixteen lanes per loop turn
;; (four vectors, written out: V8 does not inline wasm calls, and a call per vector halves the speed).
;; It computes the normal-range result for every lane (step 2 of the converter in round.ts):
;;     a = |v| bits,   r = (a + roundAdd + ((a >> shift) & lsbMask)) & keep,   out = r | sign
;; and lists the lanes that need the scalar path: c < normalStart or c > maxBits (signed compares), where
;; c = v & checkMask is a (v itself in unsigned formats, so that negative lanes are flagged too). That covers
;; subnormals, values that may overflow, ±inf and NaN. Zeros (c = zeroPass) pass where the formula keeps them
;; exact (formats with a signed zero); elsewhere zeroPass is −1, which c never equals. round.ts fixes flagged
;; lanes afterwards.
;; The memory is imported, so the same code runs on a buffer of its own or on tfjs-wasm's heap.
(module
  (import "env" "memory" (memory 1))
  (func (export "round")
    (param $src i32) (param $dst i32) (param $n i32)  ;; byte addresses, and a lane count that is a multiple of 16
    (param $shift i32) (param $roundAdd i32) (param $lsbMask i32) (param $keep i32)
    (param $normalStart i32) (param $maxBits i32) (param $checkMask i32) (param $zeroPass i32)
    (param $idx i32)                                   ;; where to write the indices of flagged lanes
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
