;; Call payload sizes at the limit and long invalid JSON, and register_job with two invalid names.
;; plugin_init: register_job whose job name (ff) AND export name ("execute_" then c0 80) are both invalid UTF-8 must
;; record one BAD_ARGUMENT refusal (for the job name; the export name is not decoded) and return 3; then it
;; registers `limits` and `long_json` and logs "register: 3 0 0".
;; limits (run under maxCallPayloadBytes 64): a 64-byte JSON payload to action:test.ping.input is answered, a
;; 65-byte one is refused with LIMIT_EXCEEDED (answer 0); it logs "call: 1 0".
;; long_json (default limits): a 90-byte payload that is not JSON is answered with BadPayload, whose error quotes
;; only its first 80 characters; it logs "call: 1".
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "limits")                          ;; 6
  (data (i32.const 72) "\ff")                             ;; 1
  (data (i32.const 76) "execute_\c0\80")                  ;; 10
  (data (i32.const 88) "execute_limits")                  ;; 14
  (data (i32.const 104) "long_json")                      ;; 9
  (data (i32.const 116) "execute_long_json")              ;; 17
  (data (i32.const 136) "action:test.ping.input")         ;; 22
  (data (i32.const 160) "register:")                      ;; 9
  (data (i32.const 176) "call:")                          ;; 5
  (data (i32.const 256) "{\"message\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}") ;; 64
  (data (i32.const 336) "{\"message\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}") ;; 65
  (data (i32.const 416) "{not json 01234567890123456789012345678901234567890123456789012345678901234567890123456789") ;; 90

  (global $line (mut i32) (i32.const 1024))
  (func $start_line (param $text i32) (param $len i32)
    (global.set $line (i32.add (i32.const 1024) (call $copy (i32.const 1024) (local.get $text) (local.get $len)))))
  (func $num (param $n i32)
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (i32.add (global.get $line) (i32.const 1))
      (call $write_u32 (i32.add (global.get $line) (i32.const 1)) (local.get $n)))))
  (func $line_len (result i32) (i32.sub (global.get $line) (i32.const 1024)))
  (func $answered (param $answer i32) (call $num (i32.ne (local.get $answer) (i32.const 0))))

  (func (export "plugin_init") (result i32)
    (call $start_line (i32.const 160) (i32.const 9))
    (call $num (call $register_job (i32.const 72) (i32.const 1) (i32.const 76) (i32.const 10) (i32.const 1)))
    (call $num (call $register_job (i32.const 64) (i32.const 6) (i32.const 88) (i32.const 14) (i32.const 1)))
    (call $num (call $register_job (i32.const 104) (i32.const 9) (i32.const 116) (i32.const 17) (i32.const 1)))
    (call $log (i32.const 1) (i32.const 1024) (call $line_len))
    (i32.const 0))

  (func (export "execute_limits") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $start_line (i32.const 176) (i32.const 5))
    (call $answered (call $call (i32.const 136) (i32.const 22) (i32.const 0) (i32.const 256) (i32.const 64)))
    (call $answered (call $call (i32.const 136) (i32.const 22) (i32.const 0) (i32.const 336) (i32.const 65)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (call $line_len))
    (i32.const 0))

  (func (export "execute_long_json") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $start_line (i32.const 176) (i32.const 5))
    (call $answered (call $call (i32.const 136) (i32.const 22) (i32.const 0) (i32.const 416) (i32.const 90)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (call $line_len))
    (i32.const 0))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
