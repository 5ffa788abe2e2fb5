;; The tree limits (child.tree), under maxTreeJobs 4, maxQueuedJobs 2 and maxTreeStateBytes 40. The root checkpoints 16
;; bytes, spawns "mid" and "leaf" with 8-byte params (the tree: 3 jobs, 2 queued, 32 bytes), and a third child is refused
;; for maxQueuedJobs; a 24-byte checkpoint brings the tree to 40 bytes, a 25-byte one would pass 40: refused for
;; maxTreeStateBytes, and the 24 bytes stay. Completed, the root's checkpoint no longer counts (16 bytes). "mid" then
;; cannot spawn a "leaf" with 25-byte params (41 bytes: maxTreeStateBytes), spawns one with 9-byte params (4 jobs), and a
;; third is refused for maxTreeJobs.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))

  (data (i32.const 64) "root") ;; 4
  (data (i32.const 72) "execute_root") ;; 12
  (data (i32.const 88) "mid") ;; 3
  (data (i32.const 96) "execute_mid") ;; 11
  (data (i32.const 112) "leaf") ;; 4
  (data (i32.const 120) "execute_leaf") ;; 12
  (data (i32.const 136) "root-state-16byt") ;; 16
  (data (i32.const 152) "12345678") ;; 8
  (data (i32.const 160) "123456789") ;; 9
  (data (i32.const 176) "24-byte-state-0123456789") ;; 24
  (data (i32.const 200) "25-byte-state-01234567890") ;; 25

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 4) (i32.const 72) (i32.const 12) (i32.const 1)))
    (drop (call $register_job (i32.const 88) (i32.const 3) (i32.const 96) (i32.const 11) (i32.const 1)))
    (call $register_job (i32.const 112) (i32.const 4) (i32.const 120) (i32.const 12) (i32.const 1)))

  (func (export "execute_root") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (call $checkpoint (local.get $id) (i32.const 136) (i32.const 16)) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 88) (i32.const 3) (i32.const 152) (i32.const 8))) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 112) (i32.const 4) (i32.const 152) (i32.const 8))) (then (return (i32.const 2))))
    ;; a third queued child: refused (maxQueuedJobs)
    (if (call $spawn (local.get $id) (i32.const 112) (i32.const 4) (i32.const 0) (i32.const 0)) (then (return (i32.const 2))))
    (if (call $checkpoint (local.get $id) (i32.const 176) (i32.const 24)) (then (return (i32.const 2))))
    ;; one byte more than the tree may hold: refused (maxTreeStateBytes)
    (if (i32.ne (call $checkpoint (local.get $id) (i32.const 200) (i32.const 25)) (i32.const 4)) (then (return (i32.const 2))))
    (i32.const 0))

  (func (export "execute_mid") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; 25 bytes of params would take the tree (16 bytes) past 40: refused (maxTreeStateBytes)
    (if (call $spawn (local.get $id) (i32.const 112) (i32.const 4) (i32.const 200) (i32.const 25)) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 112) (i32.const 4) (i32.const 160) (i32.const 9))) (then (return (i32.const 2))))
    ;; a fifth job in the tree: refused (maxTreeJobs)
    (if (call $spawn (local.get $id) (i32.const 112) (i32.const 4) (i32.const 0) (i32.const 0)) (then (return (i32.const 2))))
    (i32.const 0))

  (func (export "execute_leaf") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
