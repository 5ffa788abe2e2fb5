  ;; Shared guest runtime for the hand-written fixtures, spliced in with `;; @include "../lib/runtime.wat"` as the
  ;; last module fields. It is what an SDK gives a real guest: memory, an allocator, the job id from the context.
  ;;
  ;; Memory layout: 16..31 the running job's id (16 raw bytes), 32..47 a second id (library or child),
  ;; 64..4095 the fixture's own data segments and scratch, 4096.. the heap for wasm_alloc.
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $JOB_ID i32 (i32.const 16))

  ;; A bump allocator: 8-byte aligned, grows memory when needed, returns 0 when memory cannot grow.
  (func $wasm_alloc (export "wasm_alloc") (param $size i32) (result i32)
    (local $ptr i32) (local $end i32) (local $pages i32)
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (local.set $end (i32.add (local.get $ptr) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (local.set $pages
          (i32.shr_u (i32.add (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65535))
                     (i32.const 16)))
        (if (i32.eq (memory.grow (local.get $pages)) (i32.const -1)) (then (return (i32.const 0))))))
    (global.set $heap (local.get $end))
    (local.get $ptr))

  (func $wasm_free (export "wasm_free") (param i32 i32))

  ;; One hex digit's value.
  (func $hex (param $c i32) (result i32)
    (if (result i32) (i32.le_u (local.get $c) (i32.const 57))
      (then (i32.sub (local.get $c) (i32.const 48)))
      (else (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 87)))))

  ;; Parses a hyphenated UUID's 36 characters at $text into 16 bytes at $dst.
  (func $parse_uuid (param $text i32) (param $dst i32)
    (local $i i32) (local $c i32) (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $n) (i32.const 16)))
        (local.set $c (i32.load8_u (i32.add (local.get $text) (local.get $i))))
        (if (i32.eq (local.get $c) (i32.const 45)) ;; '-'
          (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $next)))
        (i32.store8 (i32.add (local.get $dst) (local.get $n))
          (i32.or
            (i32.shl (call $hex (local.get $c)) (i32.const 4))
            (call $hex (i32.load8_u (i32.add (local.get $text) (i32.add (local.get $i) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next))))

  ;; The context is `{"job_id":"<uuid>","library_id":"<uuid>"}`: the job id starts at byte 11. Returns $JOB_ID.
  (func $job_id (param $ctx i32) (result i32)
    (call $parse_uuid (i32.add (local.get $ctx) (i32.const 11)) (global.get $JOB_ID))
    (global.get $JOB_ID))

  ;; The library id starts at byte 63 (11 + 36 + `","library_id":"`); parsed to 32..47.
  (func $library_id (param $ctx i32) (result i32)
    (call $parse_uuid (i32.add (local.get $ctx) (i32.const 63)) (i32.const 32))
    (i32.const 32))

  ;; Writes $n in decimal at $dst; returns the number of bytes written.
  (func $write_u32 (param $dst i32) (param $n i32) (result i32)
    (local $len i32) (local $t i32) (local $i i32)
    (local.set $t (local.get $n))
    (loop $count
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
      (br_if $count (local.get $t)))
    (local.set $i (local.get $len))
    (loop $digits
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $dst) (local.get $i))
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $i)))
    (local.get $len))

  ;; Copies $len bytes from $src to $dst; returns $len.
  (func $copy (param $dst i32) (param $src i32) (param $len i32) (result i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $len))
    (local.get $len))

  ;; The u32 that follows the first occurrence of the key bytes [$key, +$key_len) in [$text, +$len); 0 if absent.
  (func $u32_after (param $text i32) (param $len i32) (param $key i32) (param $key_len i32) (result i32)
    (local $i i32) (local $j i32) (local $n i32) (local $c i32)
    (block $not_found
      (loop $scan
        (br_if $not_found (i32.gt_u (i32.add (local.get $i) (local.get $key_len)) (local.get $len)))
        (local.set $j (i32.const 0))
        (block $mismatch
          (loop $match
            (br_if $mismatch
              (i32.ne (i32.load8_u (i32.add (local.get $text) (i32.add (local.get $i) (local.get $j))))
                      (i32.load8_u (i32.add (local.get $key) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $match (i32.lt_u (local.get $j) (local.get $key_len))))
          ;; the key matched: read digits
          (local.set $i (i32.add (local.get $i) (local.get $key_len)))
          (block $end
            (loop $digit
              (br_if $end (i32.ge_u (local.get $i) (local.get $len)))
              (local.set $c (i32.sub (i32.load8_u (i32.add (local.get $text) (local.get $i))) (i32.const 48)))
              (br_if $end (i32.gt_u (local.get $c) (i32.const 9)))
              (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (local.get $c)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $digit)))
          (return (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (i32.const 0))
