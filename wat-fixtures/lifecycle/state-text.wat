;; A job's initial state, when the scenario's `state` is a JSON value other than a string, is the text ECMAScript's
;; JSON.stringify writes for it (scenario.state): the job logs the bytes it was started with, byte for byte, so a host
;; that writes the value its own way (keys sorted, `1e21` for `1e+21`, an exponent for a large integral double) shows.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "echo")                   ;; 4
  (data (i32.const 72) "execute_echo")           ;; 12

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 72) (i32.const 12) (i32.const 0)))

  (func (export "execute_echo") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (local.get $st) (local.get $st_len))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
