;; WASM-only: each call records exactly one refusal, for the first of its checks that fails (call.check-order), in
;; the order the clauses give: the job id before any other pointer; every pointer's memory before the call's own
;; checks; within those, progress before its message, a size limit before UTF-8, a method's UTF-8 after the memory of
;; the library id and payload. Under maxStateBytes 8 and maxMessageBytes 32 the job makes five calls that each fail
;; two checks, and logs what the three that answer answered: "order: 2 1 0".
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "order")               ;; 5
  (data (i32.const 72) "execute_order")       ;; 13
  (data (i32.const 96) "\ff\fe\fd\fc\fb\fa")  ;; 6 bytes, not UTF-8
  (data (i32.const 112) "order: ")            ;; 7
  (data (i32.const 128) "\ff")                ;; 1
  (data (i32.const 192) "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff") ;; 40

  (global $line (mut i32) (i32.const 1024))
  (func $status (param $n i32)
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (global.get $line) (i32.const 1)))
    (global.set $line (i32.add (global.get $line) (call $write_u32 (global.get $line) (local.get $n)))))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_order") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (global.set $line (i32.add (global.get $line) (call $copy (global.get $line) (i32.const 112) (i32.const 6))))
    ;; 1. an id that is not the running job's, and a state outside memory: NOT_RUNNING_JOB (the id first)
    (call $status (call $checkpoint (i32.const 128) (i32.const 0xfffffff0) (i32.const 32)))
    ;; 2. a state outside memory and over maxStateBytes: INVALID_MEMORY_ACCESS (memory before the size limit)
    (call $status (call $checkpoint (local.get $id) (i32.const 65530) (i32.const 100)))
    ;; 3. NaN progress and a message that is not UTF-8: BAD_ARGUMENT for progress (before the message)
    (call $progress (local.get $id) (f32.const nan) (i32.const 96) (i32.const 2))
    ;; 4. a log line over maxMessageBytes and not UTF-8: LIMIT_EXCEEDED (the size before UTF-8)
    (call $job_log (local.get $id) (i32.const 1) (i32.const 192) (i32.const 40))
    ;; 5. a method that is not UTF-8 and a library id outside memory: INVALID_MEMORY_ACCESS for the library id
    (call $status (call $call (i32.const 96) (i32.const 2) (i32.const 65530) (i32.const 0) (i32.const 0)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (i32.sub (global.get $line) (i32.const 1024)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
