;; WASM-only, ABI 1.1: a number too large for a double, written as digits with no exponent (progress.structured,
;; wire.payload): its value, rounded to the nearest double, is infinite, in either sign. job_progress is given three
;; Structured progresses:
;;   1 data -1 followed by 400 zeros: BAD_ARGUMENT (3)
;;   2 data 1 followed by 400 zeros: BAD_ARGUMENT (3)
;;   3 data -1 followed by 308 zeros (-1e308, a double): accepted (0)
;; and logs the statuses: "status: 3 3 0". Then, under a manifest allowing 2 calls a minute, spacedrive_call sends
;; action:test.ping.input a payload holding -1 and 400 zeros, then one holding 1 and 400 zeros (each answered
;; BadPayload, and not counted by the rate limit), then one holding -1 and 308 zeros (read, and answered), then the
;; same again (answered: the limit's second call), then once more (RateLimitExceeded).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_progress" (func $progress (param i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "action:test.ping.input")  ;; 22
  (data (i32.const 88) "digits")                  ;; 6
  (data (i32.const 96) "execute_digits")          ;; 14
  (data (i32.const 112) "status:")                ;; 7
  (data (i32.const 1024) "{\"type\":\"Structured\",\"data\":-10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}") ;; 431
  (data (i32.const 1472) "{\"type\":\"Structured\",\"data\":10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}") ;; 430
  (data (i32.const 1920) "{\"type\":\"Structured\",\"data\":-100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}") ;; 339
  (data (i32.const 2288) "{\"message\":\"m\",\"extra\":-10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}") ;; 426
  (data (i32.const 2736) "{\"message\":\"m\",\"extra\":10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}") ;; 425
  (data (i32.const 3184) "{\"message\":\"m\",\"extra\":-100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}") ;; 334

  ;; The status line, written at 3584.
  (global $line (mut i32) (i32.const 3584))
  (func $status (param $n i32)
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (global.get $line) (i32.const 1)))
    (global.set $line (i32.add (global.get $line) (call $write_u32 (global.get $line) (local.get $n)))))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 88) (i32.const 6) (i32.const 96) (i32.const 14) (i32.const 1)))

  (func (export "execute_digits") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (global.set $line (i32.add (i32.const 3584) (call $copy (i32.const 3584) (i32.const 112) (i32.const 7))))
    (call $status (call $progress (local.get $id) (i32.const 1024) (i32.const 431)))
    (call $status (call $progress (local.get $id) (i32.const 1472) (i32.const 430)))
    (call $status (call $progress (local.get $id) (i32.const 1920) (i32.const 339)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 3584) (i32.sub (global.get $line) (i32.const 3584)))
    (drop (call $call (i32.const 64) (i32.const 22) (i32.const 0) (i32.const 2288) (i32.const 426)))
    (drop (call $call (i32.const 64) (i32.const 22) (i32.const 0) (i32.const 2736) (i32.const 425)))
    (drop (call $call (i32.const 64) (i32.const 22) (i32.const 0) (i32.const 3184) (i32.const 334)))
    (drop (call $call (i32.const 64) (i32.const 22) (i32.const 0) (i32.const 3184) (i32.const 334)))
    (drop (call $call (i32.const 64) (i32.const 22) (i32.const 0) (i32.const 3184) (i32.const 334)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
