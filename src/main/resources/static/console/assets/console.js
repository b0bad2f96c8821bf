// The operator console's live event list: while the list shows the newest events, it asks
// the server every two seconds for the newest page's rows and swaps them in when they
// changed (new events, statuses that moved). Plain JavaScript, no build step.
(function () {
	'use strict';
	var POLL_MS = 2000;

	function start() {
		var rows = document.getElementById('event-rows');
		if (!rows || !rows.dataset.liveUrl) {
			return;
		}
		var url = rows.dataset.liveUrl;
		var status = document.getElementById('live-status');
		var toggle = document.getElementById('live-toggle');
		var paused = false;
		var timer = null;

		function signature(tbody) {
			return Array.prototype.map.call(tbody.querySelectorAll('tr[data-event-id]'), function (tr) {
				return tr.dataset.eventId + ':' + tr.dataset.status;
			}).join(',');
		}

		function say(text) {
			if (status) {
				status.textContent = text;
			}
		}

		function poll() {
			timer = null;
			if (paused || document.hidden) {
				schedule();
				return;
			}
			fetch(url, { headers: { 'X-Requested-With': 'XMLHttpRequest' }, credentials: 'same-origin', cache: 'no-store' })
				.then(function (response) {
					if (response.status === 401) {
						say('Your session has ended: sign in again to see new events.');
						throw new Error('signed out');
					}
					if (!response.ok) {
						throw new Error('HTTP ' + response.status);
					}
					return response.text();
				})
				.then(function (html) {
					var doc = new DOMParser().parseFromString('<table>' + html + '</table>', 'text/html');
					var fresh = doc.querySelector('tbody');
					var current = document.getElementById('event-rows');
					if (!fresh || !current) {
						return;
					}
					// Leave the rows alone while keyboard focus is inside them.
					if (current.contains(document.activeElement)) {
						schedule();
						return;
					}
					if (signature(fresh) !== signature(current)) {
						var known = {};
						current.querySelectorAll('tr[data-event-id]').forEach(function (tr) { known[tr.dataset.eventId] = true; });
						var added = 0;
						fresh.querySelectorAll('tr[data-event-id]').forEach(function (tr) {
							if (!known[tr.dataset.eventId]) {
								tr.classList.add('is-new');
								added++;
							}
						});
						current.innerHTML = fresh.innerHTML;
						var hadRows = Object.keys(known).length > 0;
						if (added > 0 && hadRows) {
							say(added + (added === 1 ? ' new event' : ' new events') + ' arrived.');
						}
						else {
							say('Updated.');
						}
					}
					schedule();
				})
				.catch(function (error) {
					if (error.message !== 'signed out') {
						say('Live updates are failing (' + error.message + '); retrying.');
						schedule();
					}
				});
		}

		function schedule() {
			if (timer === null) {
				timer = window.setTimeout(poll, POLL_MS);
			}
		}

		if (toggle) {
			toggle.addEventListener('click', function () {
				paused = !paused;
				toggle.setAttribute('aria-pressed', paused ? 'true' : 'false');
				toggle.textContent = paused ? 'Resume live updates' : 'Pause live updates';
				say(paused ? 'Live updates paused.' : 'Live updates on.');
			});
		}
		schedule();
	}

	if (document.readyState === 'loading') {
		document.addEventListener('DOMContentLoaded', start);
	}
	else {
		start();
	}
})();
