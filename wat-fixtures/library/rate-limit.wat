;; Under a rate limit of 2 calls per 60 s (the host's clock does not move during a scenario), three allowed calls
;; of query:libraries.list: the first two are answered, the third answers RateLimitExceeded.
(module
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "rate_limit")             ;; 10
  (data (i32.const 80) "execute_rate_limit")     ;; 18
  (data (i32.const 112) "query:libraries.list")  ;; 20
  (data (i32.const 136) "{}")                    ;; 2

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 10) (i32.const 80) (i32.const 18) (i32.const 1)))

  (func (export "execute_rate_limit") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $call (i32.const 112) (i32.const 20) (i32.const 0) (i32.const 136) (i32.const 2)))
    (drop (call $call (i32.const 112) (i32.const 20) (i32.const 0) (i32.const 136) (i32.const 2)))
    (drop (call $call (i32.const 112) (i32.const 20) (i32.const 0) (i32.const 136) (i32.const 2)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
