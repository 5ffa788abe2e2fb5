;; After checkpointing "deep", the job calls a function that calls itself without end: the engine's stack runs out
;; (V8: "Maximum call stack size exceeded"). That is a trap of the guest: the job ends Failed with cause trap and
;; keeps "deep"; the host goes on.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))

  (data (i32.const 64) "recursion")                       ;; 9
  (data (i32.const 80) "execute_recursion")               ;; 17
  (data (i32.const 104) "deep")                           ;; 4

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 9) (i32.const 80) (i32.const 17) (i32.const 1)))

  (func $dive (param $n i32) (result i32)
    (i32.add (call $dive (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))

  (func (export "execute_recursion") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $checkpoint (call $job_id (local.get $ctx)) (i32.const 104) (i32.const 4)))
    (call $dive (i32.const 0)))

  ;; @include "../lib/runtime.wat"
)
