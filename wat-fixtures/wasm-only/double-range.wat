;; WASM-only, ABI 1.1: which numbers are too large for a double (progress.structured, wire.payload): a number whose
;; value, rounded to the nearest double, is infinite, in either sign. job_progress is given five Structured progresses:
;;   1 data 1.7976931348623158e308, above the largest double (1.7976931348623157e308) but rounding to it: accepted (0)
;;   2 data 1.7976931348623159e308, which rounds to infinity: BAD_ARGUMENT (3)
;;   3 data -1e400: BAD_ARGUMENT (3)
;;   4 data -1.7976931348623158e308, rounding to the lowest double: accepted (0)
;;   5 data 1e400: BAD_ARGUMENT (3)
;; and logs the statuses: "status: 0 3 3 0 3". Then spacedrive_call sends action:test.ping.input a payload holding
;; -1e400 (answered BadPayload) and one holding 1.7976931348623158e308 (read as the largest double, and answered).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_progress" (func $progress (param i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "range")                                ;; 5
  (data (i32.const 72) "execute_range")                        ;; 13
  (data (i32.const 88) "status:")                              ;; 7
  (data (i32.const 128) "{\"type\":\"Structured\",\"data\":1.7976931348623158e308}") ;; 51
  (data (i32.const 184) "{\"type\":\"Structured\",\"data\":1.7976931348623159e308}") ;; 51
  (data (i32.const 240) "{\"type\":\"Structured\",\"data\":-1e400}") ;; 35
  (data (i32.const 280) "{\"type\":\"Structured\",\"data\":-1.7976931348623158e308}") ;; 52
  (data (i32.const 336) "{\"type\":\"Structured\",\"data\":1e400}") ;; 34
  (data (i32.const 376) "action:test.ping.input") ;; 22
  (data (i32.const 400) "{\"message\":\"m\",\"extra\":-1e400}") ;; 30
  (data (i32.const 432) "{\"message\":\"m\",\"extra\":1.7976931348623158e308}") ;; 46

  ;; The status line, written at 3072.
  (global $line (mut i32) (i32.const 3072))
  (func $status (param $n i32)
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (global.get $line) (i32.const 1)))
    (global.set $line (i32.add (global.get $line) (call $write_u32 (global.get $line) (local.get $n)))))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_range") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (global.set $line (i32.add (i32.const 3072) (call $copy (i32.const 3072) (i32.const 88) (i32.const 7))))
    ;; 1. above the largest double, rounds to it: accepted (0)
    (call $status (call $progress (local.get $id) (i32.const 128) (i32.const 51)))
    ;; 2. rounds to infinity: BAD_ARGUMENT (3)
    (call $status (call $progress (local.get $id) (i32.const 184) (i32.const 51)))
    ;; 3. negative infinity: BAD_ARGUMENT (3)
    (call $status (call $progress (local.get $id) (i32.const 240) (i32.const 35)))
    ;; 4. rounds to the lowest double: accepted (0)
    (call $status (call $progress (local.get $id) (i32.const 280) (i32.const 52)))
    ;; 5. infinity: BAD_ARGUMENT (3)
    (call $status (call $progress (local.get $id) (i32.const 336) (i32.const 34)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 3072) (i32.sub (global.get $line) (i32.const 3072)))
    ;; negative infinity: error BadPayload
    (drop (call $call (i32.const 376) (i32.const 22) (i32.const 0) (i32.const 400) (i32.const 30)))
    ;; the largest double: read, and answered
    (drop (call $call (i32.const 376) (i32.const 22) (i32.const 0) (i32.const 432) (i32.const 46)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
