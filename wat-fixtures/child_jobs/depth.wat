;; With limits.maxChildDepth = 1 one job type nests: the root (no state) spawns a `nest` child with params
;; "child" (depth 1, allowed); that child (state "child") tries to spawn a grandchild (depth 2): the answer is 0
;; with LIMIT_EXCEEDED, and the child logs that and completes. The guest checks both answers (else it fails).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "nest")                  ;; 4
  (data (i32.const 72) "execute_nest")          ;; 12
  (data (i32.const 88) "child")                 ;; 5
  (data (i32.const 96) "grandchild")            ;; 10
  (data (i32.const 112) "grandchild refused")   ;; 18

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 72) (i32.const 12) (i32.const 1)))

  (func (export "execute_nest") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (i32.eqz (local.get $st_len))
      (then
        ;; the root: one child
        (if (i32.eqz (call $spawn (local.get $id) (i32.const 64) (i32.const 4) (i32.const 88) (i32.const 5)))
          (then (return (i32.const 2))))
        (return (i32.const 0))))
    ;; the child: a grandchild would be too deep
    (if (call $spawn (local.get $id) (i32.const 64) (i32.const 4) (i32.const 96) (i32.const 10))
      (then (return (i32.const 2))))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 18))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
