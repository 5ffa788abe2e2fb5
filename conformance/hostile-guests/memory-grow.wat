;; memory.grow toward 4 GiB under a host memory cap (scenario: maxMemoryPages 4). From 1 page, growing by 1 answers
;; the old size three times (1, 2, 3), then -1 at the cap; growing by 65532 pages (to the wasm32 limit of 4 GiB),
;; by 65536 and by 0xffffffff answers -1; memory.size stays 4. The job checkpoints "small", then points its bump
;; allocator at the end of memory: the host's write for load_state needs wasm_alloc to grow memory, which fails,
;; so wasm_alloc answers 0 and load_state is refused with ALLOCATION_FAILED (0). The last byte of the 4 pages is
;; usable (a progress message of 1 byte, "z", at END - 1). The job logs
;; "grow: 1 2 3 -1 -1 -1 -1 size=4 load=0" and completes.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "grow")                            ;; 4
  (data (i32.const 80) "execute_grow")                    ;; 12
  (data (i32.const 96) "grow:")                           ;; 5
  (data (i32.const 104) " size=")                         ;; 6
  (data (i32.const 112) " load=")                         ;; 6
  (data (i32.const 120) "small")                          ;; 5

  (global $line (mut i32) (i32.const 1024))
  (func $text (param $text i32) (param $len i32)
    (global.set $line (i32.add (global.get $line) (call $copy (global.get $line) (local.get $text) (local.get $len)))))
  (func $digits (param $n i32)
    (global.set $line (i32.add (global.get $line) (call $write_u32 (global.get $line) (local.get $n)))))
  ;; Appends " <n>" with n signed.
  (func $signed (param $n i32)
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (global.get $line) (i32.const 1)))
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then
        (i32.store8 (global.get $line) (i32.const 45))
        (global.set $line (i32.add (global.get $line) (i32.const 1)))
        (local.set $n (i32.sub (i32.const 0) (local.get $n)))))
    (call $digits (local.get $n)))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 80) (i32.const 12) (i32.const 1)))

  (func (export "execute_grow") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $end i32) (local $load i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $text (i32.const 96) (i32.const 5))
    (call $signed (memory.grow (i32.const 1)))
    (call $signed (memory.grow (i32.const 1)))
    (call $signed (memory.grow (i32.const 1)))
    (call $signed (memory.grow (i32.const 1)))
    (call $signed (memory.grow (i32.const 65532)))
    (call $signed (memory.grow (i32.const 65536)))
    (call $signed (memory.grow (i32.const 0xffffffff)))
    (call $text (i32.const 104) (i32.const 6))
    (call $digits (memory.size))
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (drop (call $checkpoint (local.get $id) (i32.const 120) (i32.const 5)))
    (global.set $heap (local.get $end))
    (local.set $load (call $load_state (local.get $id)))
    (call $text (i32.const 112) (i32.const 6))
    (call $digits (local.get $load))
    (i32.store8 (i32.sub (local.get $end) (i32.const 1)) (i32.const 122)) ;; z
    (call $progress (local.get $id) (f32.const 1) (i32.sub (local.get $end) (i32.const 1)) (i32.const 1))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (i32.sub (global.get $line) (i32.const 1024)))
    (i32.const 0))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
