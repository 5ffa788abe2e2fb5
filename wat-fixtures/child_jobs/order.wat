;; The order of runs (child.order): a job's children run after the run that queued them returned, in spawn order,
;; each to its end (its own children first), and all of them before the job's next run. Every run logs its place in
;; the order from a counter the instance keeps (plugin_init sets it to 0): the parent's first run spawns a and b and
;; pauses itself; a spawns a1; the resumed parent spawns c. Expected: parent 1, a 2, a1 3, b 4, parent 5, c 6.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "parent")     ;; 6
  (data (i32.const 72) "execute_parent") ;; 14
  (data (i32.const 88) "node")       ;; 4
  (data (i32.const 96) "execute_node") ;; 12
  (data (i32.const 112) "a")
  (data (i32.const 113) "b")
  (data (i32.const 114) "c")
  (data (i32.const 115) "a1")        ;; 2

  (global $order (mut i32) (i32.const 0))

  ;; Logs "<name> <n>": the run's name (its state, or "parent") and its place in the order.
  (func $place (param $id i32) (param $name i32) (param $len i32)
    (local $p i32)
    (global.set $order (i32.add (global.get $order) (i32.const 1)))
    (local.set $p (i32.add (i32.const 1024) (call $copy (i32.const 1024) (local.get $name) (local.get $len))))
    (i32.store8 (local.get $p) (i32.const 32))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $order))))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (i32.sub (local.get $p) (i32.const 1024))))

  (func (export "plugin_init") (result i32)
    (global.set $order (i32.const 0))
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 4) (i32.const 96) (i32.const 12) (i32.const 1)))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $place (local.get $id) (i32.const 64) (i32.const 6))
    (if (i32.eq (global.get $order) (i32.const 1))
      (then
        (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 4) (i32.const 112) (i32.const 1)))
        (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 4) (i32.const 113) (i32.const 1)))
        (return (i32.const 1))))
    (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 4) (i32.const 114) (i32.const 1)))
    (i32.const 0))

  (func (export "execute_node") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $place (local.get $id) (local.get $st) (local.get $st_len))
    ;; a spawns a1
    (if (i32.and (i32.eq (local.get $st_len) (i32.const 1)) (i32.eq (i32.load8_u (local.get $st)) (i32.const 97)))
      (then (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 4) (i32.const 115) (i32.const 2)))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
