;; Seven steps, one item each, checkpointing "step=N" after every second step (2, 4, 6). Just before returning 0 the
;; job loads its state ("step=6" must still be there); completion must then discard it.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))

  (data (i32.const 64) "periodic")            ;; 8
  (data (i32.const 80) "execute_periodic")    ;; 16
  (data (i32.const 96) "step=")               ;; 5

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 16) (i32.const 1)))

  ;; Writes "step=N" at 1024; returns its length.
  (func $state (param $step i32) (result i32)
    (drop (call $copy (i32.const 1024) (i32.const 96) (i32.const 5)))
    (i32.add (i32.const 5) (call $write_u32 (i32.const 1029) (local.get $step))))

  (func (export "execute_periodic") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $step i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $step) (i32.const 7)))
        (local.set $step (i32.add (local.get $step) (i32.const 1)))
        (call $items (local.get $id) (i64.const 1))
        (if (i32.eqz (i32.rem_u (local.get $step) (i32.const 2)))
          (then
            (if (call $checkpoint (local.get $id) (i32.const 1024) (call $state (local.get $step)))
              (then (return (i32.const 2))))))
        (br $next)))
    ;; the last checkpoint is still saved while the job runs
    (if (i32.eqz (call $load_state (local.get $id))) (then (return (i32.const 2))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
