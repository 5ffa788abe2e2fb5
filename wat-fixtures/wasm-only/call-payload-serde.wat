;; WASM-only: wire payloads read as serde_json reads a JSON value (wire.payload). A lone surrogate escape, in a value
;; or in a member name, is answered with BadPayload (its request is the payload's text); a surrogate pair is one
;; character, an escaped backslash before "ud800" is no escape, and a member written twice keeps its last value: these
;; three are answered; so is a payload nesting 127 arrays and objects (serde_json's limit), while one nesting 128 is
;; BadPayload. Each call is answered (an answer pointer, 1); the job logs "call: 1 1 1 1 1 1 1".
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "serde")                           ;; 5
  (data (i32.const 72) "execute_serde")                   ;; 13
  (data (i32.const 136) "action:test.ping.input")         ;; 22
  (data (i32.const 176) "call:")                          ;; 5
  (data (i32.const 256) "{\"message\":\"\\ud800\"}") ;; 20
  (data (i32.const 288) "{\"\\udc00\":1,\"message\":\"x\"}") ;; 26
  (data (i32.const 328) "{\"message\":\"\\ud83d\\ude00\"}") ;; 26
  (data (i32.const 368) "{\"message\":\"\\\\ud800\"}") ;; 21
  (data (i32.const 400) "{\"message\":\"a\",\"message\":\"b\"}") ;; 29
  (data (i32.const 512) "{\"message\":\"m\",\"n\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}") ;; 272
  (data (i32.const 1536) "{\"message\":\"m\",\"n\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}") ;; 274

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
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_serde") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $start_line (i32.const 176) (i32.const 5))
    ;; a lone high surrogate escape in a value: BadPayload
    (call $answered (call $call (i32.const 136) (i32.const 22) (i32.const 0) (i32.const 256) (i32.const 20)))
    ;; a lone low surrogate escape in a member name: BadPayload
    (call $answered (call $call (i32.const 136) (i32.const 22) (i32.const 0) (i32.const 288) (i32.const 26)))
    ;; a surrogate pair: one character, answered
    (call $answered (call $call (i32.const 136) (i32.const 22) (i32.const 0) (i32.const 328) (i32.const 26)))
    ;; an escaped backslash before "ud800": no escape, answered
    (call $answered (call $call (i32.const 136) (i32.const 22) (i32.const 0) (i32.const 368) (i32.const 21)))
    ;; a member written twice: the last value is the request
    (call $answered (call $call (i32.const 136) (i32.const 22) (i32.const 0) (i32.const 400) (i32.const 29)))
    ;; 127 arrays and objects nested: serde_json's limit, answered
    (call $answered (call $call (i32.const 136) (i32.const 22) (i32.const 0) (i32.const 512) (i32.const 272)))
    ;; 128: BadPayload
    (call $answered (call $call (i32.const 136) (i32.const 22) (i32.const 0) (i32.const 1536) (i32.const 274)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (call $line_len))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
