divert(-1)
# Helpers shared by Partita's templates. The generator (gen/emit_config.c) writes a values file
# of define()s named like v_vm_0_region_1_ipa; templates read them with get(vm, 0, region, 1, ipa)
# and loop with forloop(). The v_ prefix keeps values from colliding with words in the C or shell
# text. '#' is not a comment character here, so values expand in comments too.

# forloop(var, from, to, text): text once for each var = from..to; nothing when from > to.
define(`forloop', `ifelse(eval(`($2) <= ($3)'), `1',
	`pushdef(`$1')_forloop(`$1', eval(`$2'), eval(`$3'), `$4')popdef(`$1')')')
define(`_forloop', `define(`$1', `$2')$4`'ifelse(`$2', `$3', `',
	`$0(`$1', incr(`$2'), `$3', `$4')')')

# get(a, b, c, ...): the value of the macro a_b_c_...
define(`_cat', `ifelse(`$#', `1', `$1', `$1`_'_cat(shift($@))')')
define(`get', `indir(`v_'_cat($@))')

# last(n): n - 1, for loop bounds over counts.
define(`last', `decr(`$1')')
changecom()
divert(0)dnl
