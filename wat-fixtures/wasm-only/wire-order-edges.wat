;; WASM-only: wire.order's first checks, under a manifest allowing `query:` and `action:`, libraries
;; "000000AB-0000-4000-8000-000000000000" (upper case) and "000000cd-0000-4000-8000-000000000000", and 1 call a minute:
;;   1 query:é (c3 a9: a letter, not an ASCII one)                UnknownMethod, not counted by the rate limit
;;   2 action:test.ping.input, no library                         answered: the one call the limit lets through
;;   3 action:test.ping.input, no library                         RateLimitExceeded
;;   4 action:test.ping.input, library 000000ab-...               LibraryAccessDenied: the upper-case entry matches no
;;                                                                call, and the library is checked before the rate
;;   5 action:test.ping.input, library 000000cd-...               RateLimitExceeded: the lower-case entry matches
;;   6 query:é again                                              UnknownMethod: the form is checked before the rate
;; Every call is answered (errors are answers, not refusals); the answers are in the call events.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "order")                     ;; 5
  (data (i32.const 72) "execute_order")             ;; 13
  (data (i32.const 96) "query:\c3\a9")              ;; 8: "query:é"
  (data (i32.const 112) "action:test.ping.input")   ;; 22
  (data (i32.const 136) "{\"message\":\"hi\"}")     ;; 16
  ;; library 000000ab-0000-4000-8000-000000000000, then 000000cd-0000-4000-8000-000000000000 (16 bytes each)
  (data (i32.const 160) "\00\00\00\ab\00\00\40\00\80\00\00\00\00\00\00\00")
  (data (i32.const 176) "\00\00\00\cd\00\00\40\00\80\00\00\00\00\00\00\00")

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_order") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $call (i32.const 96) (i32.const 8) (i32.const 0) (i32.const 136) (i32.const 16)))
    (drop (call $call (i32.const 112) (i32.const 22) (i32.const 0) (i32.const 136) (i32.const 16)))
    (drop (call $call (i32.const 112) (i32.const 22) (i32.const 0) (i32.const 136) (i32.const 16)))
    (drop (call $call (i32.const 112) (i32.const 22) (i32.const 160) (i32.const 136) (i32.const 16)))
    (drop (call $call (i32.const 112) (i32.const 22) (i32.const 176) (i32.const 136) (i32.const 16)))
    (drop (call $call (i32.const 96) (i32.const 8) (i32.const 0) (i32.const 136) (i32.const 16)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
