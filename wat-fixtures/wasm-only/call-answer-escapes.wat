;; WASM-only: the exact bytes of a wire answer (wire.call: serde_json's compact form). Two pings echo a message
;; holding tab, newline, carriage return, backspace, form feed, U+0000, U+0001, U+001F, a quote, a backslash, "/",
;; "<", "&", U+007F, U+2028 and "é":
;;   1 action:test.ping.input, every character escaped in the payload (\/, \u007f, \u2028, \u00e9 included)
;;   2 query:test.ping on the job's library with count 7, every character the payload may hold raw written raw
;;     (U+001F as \u001F, upper case)
;; The answer must escape only the quote, the backslash and U+0000..U+001F (\t \n \r \b \f, the others \u00xx in
;; lower case) and write "/", "<", "&", U+007F, U+2028 and "é" as their UTF-8 bytes. The job logs each answer's
;; bytes as they arrived (a job_log line straight from the answer's frame), so the lines compare them exactly.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "escapes")                         ;; 7
  (data (i32.const 72) "execute_escapes")                 ;; 15
  (data (i32.const 96) "action:test.ping.input")          ;; 22
  (data (i32.const 120) "query:test.ping")                ;; 15
  ;; {"message":"\t\n\r\b\f\u0000\u0001\u001f\"\\\/<&\u007f\u2028\u00e9"}
  (data (i32.const 144) "{\"message\":\"\\t\\n\\r\\b\\f\\u0000\\u0001\\u001f\\\"\\\\\\/<&\\u007f\\u2028\\u00e9\"}") ;; 68
  ;; {"message":"\t\n\r\b\f\u0000\u0001\u001F\"\\/<&<7f><e2 80 a8><c3 a9>","count":7}
  (data (i32.const 224) "{\"message\":\"\\t\\n\\r\\b\\f\\u0000\\u0001\\u001F\\\"\\\\/<&\7f\e2\80\a8\c3\a9\",\"count\":7}") ;; 65

  ;; Logs the answer at $answer (a u32 length, then the bytes) as one line; 0 (no answer) fails the job.
  (func $log_answer (param $id i32) (param $answer i32) (result i32)
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 0))))
    (call $job_log (local.get $id) (i32.const 1) (i32.add (local.get $answer) (i32.const 4)) (i32.load (local.get $answer)))
    (i32.const 1))

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 72) (i32.const 15) (i32.const 1)))

  (func (export "execute_escapes") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (i32.eqz (call $log_answer (local.get $id)
          (call $call (i32.const 96) (i32.const 22) (i32.const 0) (i32.const 144) (i32.const 68))))
      (then (return (i32.const 2))))
    (if (i32.eqz (call $log_answer (local.get $id)
          (call $call (i32.const 120) (i32.const 15) (call $library_id (local.get $ctx)) (i32.const 224) (i32.const 65))))
      (then (return (i32.const 2))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
