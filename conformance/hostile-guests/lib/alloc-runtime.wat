  ;; A guest runtime whose wasm_alloc can be told to misbehave, for the hostile guests that test what the host does
  ;; when it must write into guest memory (the context and state at dispatch, load_state, spawn_child and
  ;; spacedrive_call answers). Spliced in with `;; @include "lib/alloc-runtime.wat"` as the last module fields.
  ;;
  ;; $alloc_mode: 0 a bump allocator; 1 returns 0; 2 returns 0xfffffff0 (far outside memory); 3 returns END - 2
  ;; (inside memory, too close to the end for any answer); 4 traps; 5 returns END - size + 1 (the 4-byte length
  ;; prefix fits, the answer's last byte is one past the end); 6 returns END - size (the answer ends at the end).
  ;; $alloc_normal: how many allocations to serve normally before the mode applies. Memory: 16..31 the job id,
  ;; 64..4095 data and scratch, 4096.. the heap.
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $alloc_mode (mut i32) (i32.const 0))
  (global $alloc_normal (mut i32) (i32.const 0))
  (global $JOB_ID i32 (i32.const 16))

  (func $wasm_alloc (export "wasm_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (if (i32.and (i32.ne (global.get $alloc_mode) (i32.const 0)) (i32.eqz (global.get $alloc_normal)))
      (then
        (if (i32.eq (global.get $alloc_mode) (i32.const 1)) (then (return (i32.const 0))))
        (if (i32.eq (global.get $alloc_mode) (i32.const 2)) (then (return (i32.const 0xfffffff0))))
        (if (i32.eq (global.get $alloc_mode) (i32.const 3)) (then (return (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 2)))))
        (if (i32.eq (global.get $alloc_mode) (i32.const 5))
          (then (return (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.sub (local.get $size) (i32.const 1))))))
        (if (i32.eq (global.get $alloc_mode) (i32.const 6))
          (then (return (i32.sub (i32.mul (memory.size) (i32.const 65536)) (local.get $size)))))
        (unreachable)))
    (if (global.get $alloc_normal) (then (global.set $alloc_normal (i32.sub (global.get $alloc_normal) (i32.const 1)))))
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))

  (func $hex (param $c i32) (result i32)
    (if (result i32) (i32.le_u (local.get $c) (i32.const 57))
      (then (i32.sub (local.get $c) (i32.const 48)))
      (else (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 87)))))

  ;; The context is `{"job_id":"<uuid>",...}`: parses the uuid at byte 11 into 16 bytes at $JOB_ID.
  (func $job_id (param $ctx i32) (result i32)
    (local $i i32) (local $c i32) (local $n i32) (local $text i32)
    (local.set $text (i32.add (local.get $ctx) (i32.const 11)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $n) (i32.const 16)))
        (local.set $c (i32.load8_u (i32.add (local.get $text) (local.get $i))))
        (if (i32.eq (local.get $c) (i32.const 45))
          (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $next)))
        (i32.store8 (i32.add (global.get $JOB_ID) (local.get $n))
          (i32.or (i32.shl (call $hex (local.get $c)) (i32.const 4))
                  (call $hex (i32.load8_u (i32.add (local.get $text) (i32.add (local.get $i) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (global.get $JOB_ID))

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
      (i32.store8 (i32.add (local.get $dst) (local.get $i)) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $i)))
    (local.get $len))

  (func $copy (param $dst i32) (param $src i32) (param $len i32) (result i32)
    (memory.copy (local.get $dst) (local.get $src) (local.get $len))
    (local.get $len))
