;; A run that takes far longer than the scenario's stallTimeoutMs (20 ms), with no wall-clock limit (runTimeoutMs 0),
;; and never goes long without a host call: 20,000 steps, each a busy loop of 1,000 rounds (a chain of dependent i64
;; multiplications, several nanoseconds a round on any machine) and then one spacedrive_log line. The run takes some
;; 60 ms on a fast machine and longer elsewhere; between two host calls there are some microseconds. The lines past
;; the first are dropped and counted (maxLogLinesPerJob 1, report.flood), so the trace stays small. The stall limit
;; must not stop it (run.stall): the job completes.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))

  (data (i32.const 64) "long_run")                        ;; 8
  (data (i32.const 80) "execute_long_run")                ;; 16
  (data (i32.const 96) "step")                            ;; 4

  ;; The busy loops' result, kept so that no engine can leave the work out.
  (global $sink (mut i64) (i64.const 0))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 16) (i32.const 1)))

  (func (export "execute_long_run") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $step i32) (local $round i32) (local $x i64)
    (local.set $x (i64.const 7))
    (loop $steps
      (local.set $round (i32.const 0))
      (loop $busy
        ;; x = x * x + round, three times over: each multiplication waits for the one before
        (local.set $x (i64.add (i64.mul (local.get $x) (local.get $x)) (i64.extend_i32_u (local.get $round))))
        (local.set $x (i64.add (i64.mul (local.get $x) (local.get $x)) (i64.extend_i32_u (local.get $round))))
        (local.set $x (i64.add (i64.mul (local.get $x) (local.get $x)) (i64.extend_i32_u (local.get $round))))
        (local.set $round (i32.add (local.get $round) (i32.const 1)))
        (br_if $busy (i32.lt_u (local.get $round) (i32.const 1000))))
      (call $log (i32.const 0) (i32.const 96) (i32.const 4))
      (local.set $step (i32.add (local.get $step) (i32.const 1)))
      (br_if $steps (i32.lt_u (local.get $step) (i32.const 20000))))
    (global.set $sink (local.get $x))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
