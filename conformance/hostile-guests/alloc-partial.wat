;; wasm_alloc answers a pointer at which an answer's 4-byte length prefix fits but its last byte is one past the end
;; of memory (END - (4 + n) + 1, allocator mode 5). The job checkpoints "saved" and calls job_load_state (n = 5: the
;; pointer is END - 8) and job_spawn_child (n = 16: END - 19): each call answers 0 and records ALLOCATION_FAILED,
;; and the host writes nothing, not even the prefix, so the bytes from that pointer to the end of memory stay zeros.
;; Then, with the allocator answering END - (4 + n) (mode 6), load_state writes its whole answer in the last 9 bytes
;; of memory. After each call the job appends the call's answer (1 for the pointer it asked for) and the bytes from
;; the pointer to END in hex, and logs "partial: 0 0000000000000000 | 0 00000000000000000000000000000000000000 |
;; exact: 1 050000007361766564". The child whose spawn was answered 0 was queued all the same and runs.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "partial")                         ;; 7
  (data (i32.const 72) "child")                           ;; 5
  (data (i32.const 80) "execute_partial")                 ;; 15
  (data (i32.const 96) "execute_child")                   ;; 13
  (data (i32.const 112) "saved")                          ;; 5
  (data (i32.const 120) "partial:")                       ;; 8
  (data (i32.const 128) " |")                             ;; 2
  (data (i32.const 136) " | exact:")                      ;; 9
  (data (i32.const 152) "child ran")                      ;; 9
  (data (i32.const 176) "0123456789abcdef")               ;; 16

  (global $line (mut i32) (i32.const 1024))
  (func $text (param $text i32) (param $len i32)
    (global.set $line (i32.add (global.get $line) (call $copy (global.get $line) (local.get $text) (local.get $len)))))
  ;; Appends " <answer> <hex of [ptr, END)>", the answer written 0 when it is 0, 1 when it is ptr and 2 otherwise.
  (func $report (param $answer i32) (param $ptr i32)
    (local $end i32) (local $b i32)
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (local.set $answer
      (if (result i32) (i32.eqz (local.get $answer)) (then (i32.const 0))
        (else (i32.add (i32.const 1) (i32.ne (local.get $answer) (local.get $ptr))))))
    (i32.store8 (global.get $line) (i32.const 32))
    (i32.store8 (i32.add (global.get $line) (i32.const 1)) (i32.add (i32.const 48) (local.get $answer)))
    (i32.store8 (i32.add (global.get $line) (i32.const 2)) (i32.const 32))
    (global.set $line (i32.add (global.get $line) (i32.const 3)))
    (loop $bytes
      (local.set $b (i32.load8_u (local.get $ptr)))
      (i32.store8 (global.get $line) (i32.load8_u (i32.add (i32.const 176) (i32.shr_u (local.get $b) (i32.const 4)))))
      (i32.store8 (i32.add (global.get $line) (i32.const 1)) (i32.load8_u (i32.add (i32.const 176) (i32.and (local.get $b) (i32.const 15)))))
      (global.set $line (i32.add (global.get $line) (i32.const 2)))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
      (br_if $bytes (i32.lt_u (local.get $ptr) (local.get $end)))))

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 72) (i32.const 5) (i32.const 96) (i32.const 13) (i32.const 1)))
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 80) (i32.const 15) (i32.const 1)))

  (func (export "execute_partial") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $end i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (local.set $end (i32.mul (memory.size) (i32.const 65536)))
    (drop (call $checkpoint (local.get $id) (i32.const 112) (i32.const 5)))
    (call $text (i32.const 120) (i32.const 8))
    (global.set $alloc_mode (i32.const 5))
    (call $report (call $load_state (local.get $id)) (i32.sub (local.get $end) (i32.const 8)))
    (call $text (i32.const 128) (i32.const 2))
    (call $report (call $spawn (local.get $id) (i32.const 72) (i32.const 5) (i32.const 0) (i32.const 0))
      (i32.sub (local.get $end) (i32.const 19)))
    (call $text (i32.const 136) (i32.const 9))
    (global.set $alloc_mode (i32.const 6))
    (call $report (call $load_state (local.get $id)) (i32.sub (local.get $end) (i32.const 9)))
    (global.set $alloc_mode (i32.const 0))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (i32.sub (global.get $line) (i32.const 1024)))
    (i32.const 0))

  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 152) (i32.const 9))
    (i32.const 0))

  ;; @include "lib/alloc-runtime.wat"
)
