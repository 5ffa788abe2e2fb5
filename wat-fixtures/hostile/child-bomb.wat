;; A fork bomb: every `bomb` job tries 10 times to spawn another `bomb`, ignoring refusals, then logs
;; "spawned=<n>" and completes. Under maxChildrenPerJob 3 and maxChildDepth 2 the root spawns 3 children (7
;; refusals, LIMIT_EXCEEDED: the count), each child 3 grandchildren (7 refusals), and each grandchild, at depth 2,
;; none (10 refusals, LIMIT_EXCEEDED: the depth): 13 jobs in all, every one Completed.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "bomb")                            ;; 4
  (data (i32.const 80) "execute_bomb")                    ;; 12
  (data (i32.const 96) "spawned=")                        ;; 8

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 80) (i32.const 12) (i32.const 1)))

  (func (export "execute_bomb") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $i i32) (local $spawned i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (loop $again
      (if (call $spawn (local.get $id) (i32.const 64) (i32.const 4) (i32.const 0) (i32.const 0))
        (then (local.set $spawned (i32.add (local.get $spawned) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (i32.const 10))))
    (drop (call $copy (i32.const 1024) (i32.const 96) (i32.const 8)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024)
      (i32.add (i32.const 8) (call $write_u32 (i32.const 1032) (local.get $spawned))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
