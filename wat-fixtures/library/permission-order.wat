;; Under a manifest that allows only `query:` methods, every library, and 1 call per 60 s (the host's clock does
;; not move during a scenario): test.ping is an action (MethodNotAllowed), then two query:libraries.list calls.
;; Spacedrive checks the method, then the library, then the rate, and counts only calls that passed the first two:
;; the refused ping uses none of the budget, so the first list is answered and only the second is RateLimitExceeded.
;; A host that counted the refused call would answer RateLimitExceeded to the first list already. A last ping,
;; with the budget spent, still answers MethodNotAllowed: the method is checked before the rate.
(module
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "permission_order")           ;; 16
  (data (i32.const 80) "execute_permission_order")   ;; 24
  (data (i32.const 112) "action:test.ping.input")    ;; 22
  (data (i32.const 136) "{\"message\":\"hi\"}")      ;; 16
  (data (i32.const 160) "query:libraries.list")      ;; 20
  (data (i32.const 184) "{}")                        ;; 2

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 16) (i32.const 80) (i32.const 24) (i32.const 1)))

  (func (export "execute_permission_order") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $call (i32.const 112) (i32.const 22) (i32.const 0) (i32.const 136) (i32.const 16))) ;; MethodNotAllowed
    (drop (call $call (i32.const 160) (i32.const 20) (i32.const 0) (i32.const 184) (i32.const 2)))  ;; answered
    (drop (call $call (i32.const 160) (i32.const 20) (i32.const 0) (i32.const 184) (i32.const 2)))  ;; RateLimitExceeded
    (drop (call $call (i32.const 112) (i32.const 22) (i32.const 0) (i32.const 136) (i32.const 16))) ;; MethodNotAllowed
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
