;; With loopback peers alpha and beta: network.peers lists them, network.send to beta is acknowledged by beta
;; (with the message's byte count), and network.send to gamma, which is no peer, answers UnknownPeer. The guest
;; ignores the answers.
(module
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "loopback")                                ;; 8
  (data (i32.const 72) "execute_loopback")                        ;; 16
  (data (i32.const 96) "query:network.peers")                     ;; 19
  (data (i32.const 120) "{}")                                     ;; 2
  (data (i32.const 128) "action:network.send.input")              ;; 25
  (data (i32.const 160) "{\"peer\":\"beta\",\"message\":\"hello\"}")  ;; 33
  (data (i32.const 200) "{\"peer\":\"gamma\",\"message\":\"hello\"}") ;; 34

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 72) (i32.const 16) (i32.const 1)))

  (func (export "execute_loopback") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $call (i32.const 96) (i32.const 19) (i32.const 0) (i32.const 120) (i32.const 2)))
    (drop (call $call (i32.const 128) (i32.const 25) (i32.const 0) (i32.const 160) (i32.const 33)))
    (drop (call $call (i32.const 128) (i32.const 25) (i32.const 0) (i32.const 200) (i32.const 34)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
