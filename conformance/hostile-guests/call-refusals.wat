;; Invalid UTF-8 where a native job can only pass strings: register_job's job name (ff) and export name
;; ("execute_" then c0 80), both BAD_ARGUMENT (3) from plugin_init, which then registers `calls` properly and logs
;; "register: 3 3 0". The job calls spacedrive_call with a method that is not UTF-8 ("query:" then ff) and with a
;; payload that is not ({"message":"<ed a0 80>"}): both refused with BAD_ARGUMENT (answer 0); with a 65-byte
;; payload under maxCallPayloadBytes 64: LIMIT_EXCEEDED (0); with a UTF-8 payload that is not JSON: answered with
;; BadPayload (an answer, not a refusal); with {"message":"hi"}: answered. It logs "call: 0 0 0 1 1".
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "calls")                           ;; 5
  (data (i32.const 72) "\ff")                             ;; 1
  (data (i32.const 80) "execute_calls")                   ;; 13
  (data (i32.const 96) "execute_\c0\80")                  ;; 10
  (data (i32.const 112) "query:\ff")                      ;; 7
  (data (i32.const 120) "action:test.ping.input")         ;; 22
  (data (i32.const 144) "{\"message\":\"\ed\a0\80\"}")    ;; 17
  (data (i32.const 168) "{not json")                      ;; 9
  (data (i32.const 184) "{\"message\":\"hi\"}")           ;; 16
  (data (i32.const 208) "register:")                      ;; 9
  (data (i32.const 224) "call:")                          ;; 5
  (data (i32.const 256) "{\"message\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}") ;; 65

  (global $line (mut i32) (i32.const 1024))
  (func $start_line (param $text i32) (param $len i32)
    (global.set $line (i32.add (i32.const 1024) (call $copy (i32.const 1024) (local.get $text) (local.get $len)))))
  (func $num (param $n i32)
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (i32.add (global.get $line) (i32.const 1))
      (call $write_u32 (i32.add (global.get $line) (i32.const 1)) (local.get $n)))))
  (func $line_len (result i32) (i32.sub (global.get $line) (i32.const 1024)))

  (func (export "plugin_init") (result i32)
    (call $start_line (i32.const 208) (i32.const 9))
    (call $num (call $register_job (i32.const 72) (i32.const 1) (i32.const 80) (i32.const 13) (i32.const 1)))
    (call $num (call $register_job (i32.const 64) (i32.const 5) (i32.const 96) (i32.const 10) (i32.const 1)))
    (call $num (call $register_job (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 13) (i32.const 1)))
    (call $log (i32.const 1) (i32.const 1024) (call $line_len))
    (i32.const 0))

  (func $answered (param $answer i32) (call $num (i32.ne (local.get $answer) (i32.const 0))))

  (func (export "execute_calls") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $start_line (i32.const 224) (i32.const 5))
    (call $answered (call $call (i32.const 112) (i32.const 7) (i32.const 0) (i32.const 0) (i32.const 0)))
    (call $answered (call $call (i32.const 120) (i32.const 22) (i32.const 0) (i32.const 144) (i32.const 17)))
    (call $answered (call $call (i32.const 120) (i32.const 22) (i32.const 0) (i32.const 256) (i32.const 65)))
    (call $answered (call $call (i32.const 120) (i32.const 22) (i32.const 0) (i32.const 168) (i32.const 9)))
    (call $answered (call $call (i32.const 120) (i32.const 22) (i32.const 0) (i32.const 184) (i32.const 16)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (call $line_len))
    (i32.const 0))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
