#!/usr/bin/env node
// highs_solve.js MODEL.lp SOLUTION [SECONDS] - HiGHS (the npm WebAssembly build
// pinned in bench/peers/package-lock.json) on a CPLEX-LP file, its answer written
// the way CBC's -solu writes one, for bench/lpcheck.py: a status line
// ("Optimal - objective value V") and one "index name value 0" line per column.
// Exit 0 when HiGHS proved an optimum, 1 otherwise (time limit, out of memory:
// WebAssembly gives HiGHS at most a 2 GiB heap), 2 on bad arguments.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
	const [model, out, seconds] = process.argv.slice(2);
	if (!model || !out)
		return 2;
	const modules = path.resolve(process.env.HIGHS_MODULES || path.join(__dirname, 'peers', 'node_modules'));
	const loadHighs = require(path.join(modules, 'highs'));
	const highs = await loadHighs();
	const options = {output_flag: false};
	if (seconds)
		options.time_limit = Number(seconds);
	let result;
	try {
		result = highs.solve(fs.readFileSync(model, 'utf8'), options);
	} catch (e) {
		fs.writeFileSync(out, `Error - ${String(e && e.message || e).split('\n')[0]}\n`);
		return 1;
	}
	const status = result.Status === 'Optimal' ? 'Optimal' : result.Status;
	const lines = [`${status} - objective value ${result.ObjectiveValue}`];
	Object.entries(result.Columns).forEach(([name, col], i) => {
		lines.push(`${i} ${name} ${col.Primal} 0`);
	});
	fs.writeFileSync(out, lines.join('\n') + '\n');
	return status === 'Optimal' ? 0 : 1;
}

main().then((rc) => process.exit(rc), (e) => {
	console.error(`highs_solve: ${e && e.message || e}`);
	process.exit(1);
});
