;; With networking off (the scenario default, as when core runs without a networking service), both networking
;; methods answer NetworkingDisabled: network.peers, and network.send even to a peer name that a networked host
;; would know. The guest ignores the answers.
(module
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "offline")                                ;; 7
  (data (i32.const 72) "execute_offline")                        ;; 15
  (data (i32.const 96) "query:network.peers")                    ;; 19
  (data (i32.const 120) "{}")                                    ;; 2
  (data (i32.const 128) "action:network.send.input")             ;; 25
  (data (i32.const 160) "{\"peer\":\"beta\",\"message\":\"hello\"}") ;; 33

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 72) (i32.const 15) (i32.const 1)))

  (func (export "execute_offline") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $call (i32.const 96) (i32.const 19) (i32.const 0) (i32.const 120) (i32.const 2)))
    (drop (call $call (i32.const 128) (i32.const 25) (i32.const 0) (i32.const 160) (i32.const 33)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
