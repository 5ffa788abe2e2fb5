;; WASM-only: calls are numbered in the order they begin (call.count), also when one call begins inside another. The
;; guest's wasm_alloc, once armed, calls job_check_interrupt: the job arms it and calls spacedrive_call (its run's
;; call 1); while the host writes that call's answer, wasm_alloc makes the check (call 2, begun after call 1 and
;; returning before it). A pause planned at call 2 is pending from that check on: the inner check answers 1, and so
;; does the job's own check after the wire call (call 3). Numbering calls as they return would make the inner check
;; call 1 (answered 0) and the wire call call 2.
;; Own allocator (the runtime's cannot call the host), so this guest does not include lib/runtime.wat.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check (param i32) (result i32)))

  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $armed (mut i32) (i32.const 0))

  (data (i32.const 64) "nested")                  ;; 6
  (data (i32.const 72) "execute_nested")          ;; 14
  (data (i32.const 112) "query:libraries.list")   ;; 20

  ;; A bump allocator that, when armed, first checks for an interrupt (once) with the job id at 16..31.
  (func (export "wasm_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (if (global.get $armed)
      (then
        (global.set $armed (i32.const 0))
        (drop (call $check (i32.const 16)))))
    (local.set $ptr (i32.and (i32.add (global.get $heap) (i32.const 7)) (i32.const -8)))
    (global.set $heap (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))

  ;; Parses the job id's 32 hex digits (the context's bytes 11..46, hyphens skipped) into 16 bytes at $dst.
  (func $parse_uuid (param $text i32) (param $dst i32)
    (local $i i32) (local $c i32) (local $n i32) (local $hi i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $n) (i32.const 32)))
        (local.set $c (i32.load8_u (i32.add (local.get $text) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.eq (local.get $c) (i32.const 45))) ;; '-'
        (local.set $c
          (if (result i32) (i32.le_u (local.get $c) (i32.const 57))
            (then (i32.sub (local.get $c) (i32.const 48)))
            (else (i32.sub (local.get $c) (i32.const 87)))))
        (if (i32.and (local.get $n) (i32.const 1))
          (then
            (i32.store8 (i32.add (local.get $dst) (i32.shr_u (local.get $n) (i32.const 1)))
              (i32.or (i32.shl (local.get $hi) (i32.const 4)) (local.get $c))))
          (else (local.set $hi (local.get $c))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next))))

  (func (export "execute_nested") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $parse_uuid (i32.add (local.get $ctx) (i32.const 11)) (i32.const 16))
    (global.set $armed (i32.const 1))
    (drop (call $call (i32.const 112) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))  ;; call 1; call 2 inside it
    (drop (call $check (i32.const 16)))                                                          ;; call 3
    (i32.const 1))
)
