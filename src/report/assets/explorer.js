/*
 * The report's graph explorer (runs in the browser, inlined in the report by src/report/html.ts).
 * The page holds a compact index of every entity and relationship; only what the user asks for is
 * added to the cytoscape graph and laid out, so a 100,000-entity organization stays responsive.
 */
/* global cytoscape */
'use strict';
(function () {
  var MAX_RESULTS = 50;
  var MAX_EXPAND = 100;
  var MAX_SHOWN = 1500;
  var started = performance.now();
  var byId = function (id) {
    return document.getElementById(id);
  };
  var body = document.body;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /** Decodes a base64 gzip element into its JSON value (native decoding: fetch of a data URL, DecompressionStream). */
  function unpack(id) {
    var text = byId(id).textContent.trim();
    return fetch('data:application/octet-stream;base64,' + text)
      .then(function (response) {
        return new Response(response.body.pipeThrough(new DecompressionStream('gzip'))).text();
      })
      .then(JSON.parse);
  }

  var page = JSON.parse(byId('report-data').textContent);
  var G;
  var keyIndex;
  var haystack;
  var adjacency;
  var cy;
  var chunkCache = {};

  function buildAdjacency(n, from, to) {
    function csr(ends) {
      var start = new Int32Array(n + 1);
      for (var j = 0; j < ends.length; j++) start[ends[j] + 1]++;
      for (var i = 0; i < n; i++) start[i + 1] += start[i];
      var fill = start.slice(0, n);
      var edges = new Int32Array(ends.length);
      for (var k = 0; k < ends.length; k++) edges[fill[ends[k]]++] = k;
      return { start: start, edges: edges };
    }
    return { out: csr(from), in: csr(to) };
  }

  function edgesOf(i, direction) {
    var side = adjacency[direction];
    return side.edges.subarray(side.start[i], side.start[i + 1]);
  }

  function typeOf(i) {
    return G.typeTable[G.types[i]];
  }
  function classesOf(i) {
    return G.classTable[G.classes[i]];
  }
  function accountOf(i) {
    return G.accountTable[G.accounts[i]];
  }

  // Filters --------------------------------------------------------------------------------------

  var filter = { cls: '', type: '', account: '' };
  function passes(i) {
    if (filter.type && typeOf(i) !== filter.type) return false;
    if (filter.account && accountOf(i) !== filter.account) return false;
    if (filter.cls && classesOf(i).split(',').indexOf(filter.cls) < 0) return false;
    return true;
  }

  function fillSelect(select, values) {
    values
      .slice()
      .sort()
      .forEach(function (value) {
        if (value === '') return;
        var option = document.createElement('option');
        option.value = value;
        option.textContent = value;
        select.appendChild(option);
      });
  }

  // Search ---------------------------------------------------------------------------------------

  function search(text) {
    var q = text.trim().toLowerCase();
    var list = byId('search-results');
    list.textContent = '';
    if (!q && !filter.cls && !filter.type && !filter.account) {
      byId('search-status').textContent = '';
      return;
    }
    var exact = [];
    var prefix = [];
    var other = [];
    var total = 0;
    for (var i = 0; i < haystack.length; i++) {
      if (q && haystack[i].indexOf(q) < 0) continue;
      if (!passes(i)) continue;
      total++;
      var name = G.names[i].toLowerCase();
      if (name === q || G.keys[i].toLowerCase() === q) exact.push(i);
      else if (name.lastIndexOf(q, 0) === 0) {
        if (prefix.length < MAX_RESULTS) prefix.push(i);
      } else if (other.length < MAX_RESULTS) other.push(i);
    }
    var shown = exact.concat(prefix, other).slice(0, MAX_RESULTS);
    var html = '';
    shown.forEach(function (i) {
      html +=
        '<li data-entity="' +
        i +
        '" title="' +
        escapeHtml(G.keys[i]) +
        '">' +
        escapeHtml(G.names[i]) +
        '<span class="type">' +
        escapeHtml(typeOf(i)) +
        (accountOf(i) ? ' · ' + escapeHtml(accountOf(i)) : '') +
        '</span></li>';
    });
    list.innerHTML = html;
    byId('search-status').textContent =
      total === 0 ? 'No entity matches.' : total + ' match' + (total === 1 ? '' : 'es') + (total > shown.length ? ', first ' + shown.length + ' shown' : '');
  }

  // Graph ----------------------------------------------------------------------------------------

  var PALETTE = ['#2f6fde', '#d0453b', '#2e9d5b', '#d68a1a', '#8a4fd0', '#1b9aaa', '#c2477f', '#6b7a8f', '#7a9a1b', '#b5651d'];
  function colorOf(type) {
    var hash = 0;
    for (var i = 0; i < type.length; i++) hash = (hash * 31 + type.charCodeAt(i)) >>> 0;
    return PALETTE[hash % PALETTE.length];
  }

  function initGraph() {
    cy = cytoscape({
      container: byId('graph'),
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(color)',
            label: 'data(label)',
            'font-size': 9,
            'text-valign': 'bottom',
            'text-margin-y': 3,
            width: 22,
            height: 22,
            color: '#1d2430',
            'text-max-width': 120,
            'text-wrap': 'ellipsis',
          },
        },
        { selector: 'node.internet', style: { shape: 'diamond', 'background-color': '#d0453b', width: 30, height: 30 } },
        { selector: 'node.stale', style: { 'border-width': 2, 'border-style': 'dashed', 'border-color': '#d68a1a' } },
        { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#16243d' } },
        {
          selector: 'edge',
          style: {
            width: 1.5,
            'line-color': '#9aa3b2',
            'target-arrow-color': '#9aa3b2',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 8,
            color: '#5b6576',
            'text-rotation': 'autorotate',
          },
        },
        { selector: 'edge:selected', style: { 'line-color': '#2f6fde', 'target-arrow-color': '#2f6fde', width: 3 } },
      ],
    });
    cy.on('tap', 'node', function (event) {
      selectEntity(Number(event.target.id().slice(1)));
    });
    cy.on('tap', 'edge', function (event) {
      selectRelationship(Number(event.target.id().slice(1)));
    });
  }

  // New nodes start on a circle around the node they were reached from, so that the layout (which
  // keeps the positions it has) unfolds them outwards instead of from one point.
  var placed = 0;
  function positionNear(anchor) {
    var node = anchor === undefined ? cy.collection() : cy.getElementById('n' + anchor);
    var center = node.nonempty() ? node.position() : { x: 0, y: 0 };
    var angle = placed++ * 2.39996; // the golden angle: successive nodes spread evenly
    var radius = 90 + 6 * Math.sqrt(placed);
    return { x: center.x + radius * Math.cos(angle), y: center.y + radius * Math.sin(angle) };
  }

  function addEntity(i, anchor) {
    var id = 'n' + i;
    if (cy.getElementById(id).nonempty()) return false;
    var type = typeOf(i);
    var classes = [];
    if (type === 'internet') classes.push('internet');
    if (staleSet.has(i)) classes.push('stale');
    cy.add({ group: 'nodes', data: { id: id, label: G.names[i], color: colorOf(type) }, classes: classes.join(' '), position: positionNear(anchor) });
    return true;
  }

  function addRelationship(j, anchor) {
    var id = 'e' + j;
    if (cy.getElementById(id).nonempty()) return false;
    addEntity(G.from[j], anchor);
    addEntity(G.to[j], anchor);
    cy.add({ group: 'edges', data: { id: id, source: 'n' + G.from[j], target: 'n' + G.to[j], label: G.verbTable[G.verbs[j]] } });
    return true;
  }

  function layout() {
    var count = cy.nodes().length;
    if (count === 0) return;
    var options =
      count <= 300
        ? {
            name: 'cose',
            animate: false,
            randomize: false,
            nodeRepulsion: function () {
              return 400000;
            },
            idealEdgeLength: function () {
              return 120;
            },
            edgeElasticity: function () {
              return 60;
            },
            nodeOverlap: 40,
            gravity: 0.3,
            numIter: 1000,
            fit: true,
            padding: 30,
          }
        : {
            name: 'concentric',
            animate: false,
            fit: true,
            padding: 20,
            concentric: function (node) {
              return node.degree();
            },
            levelWidth: function () {
              return 4;
            },
          };
    cy.layout(options).run();
    // A handful of nodes fitted to the canvas would be drawn huge.
    if (cy.zoom() > 1.4) {
      cy.zoom(1.4);
      cy.center();
    }
    updateShown();
  }

  function updateShown() {
    var nodes = cy.nodes();
    byId('shown-summary').textContent = 'Shown: ' + nodes.length + ' entities, ' + cy.edges().length + ' relationships';
    var html = '';
    nodes.forEach(function (node) {
      var i = Number(node.id().slice(1));
      html += '<li data-entity="' + i + '">' + escapeHtml(G.names[i]) + ' <span class="note">' + escapeHtml(typeOf(i)) + '</span></li>';
    });
    byId('shown').innerHTML = html;
  }

  function setTitle(text) {
    byId('graph-title').textContent = text;
  }

  function room() {
    return MAX_SHOWN - cy.nodes().length;
  }

  // Details --------------------------------------------------------------------------------------

  function chunk(kind, number) {
    var id = kind + '-' + Math.floor(number / G.chunkSize);
    if (!chunkCache[id]) chunkCache[id] = unpack(id);
    return chunkCache[id].then(function (objects) {
      return objects[number % G.chunkSize];
    });
  }

  function propertiesTable(object) {
    var rows = Object.keys(object)
      .sort()
      .map(function (name) {
        var value = object[name];
        return '<tr><th>' + escapeHtml(name) + '</th><td>' + escapeHtml(typeof value === 'string' ? value : JSON.stringify(value)) + '</td></tr>';
      });
    return '<table class="properties">' + rows.join('') + '</table>';
  }

  /** Neighbour groups of an entity: one per verb and direction, with how many relationships. */
  function neighbourGroups(i) {
    var groups = {};
    ['out', 'in'].forEach(function (direction) {
      var edges = edgesOf(i, direction);
      for (var k = 0; k < edges.length; k++) {
        var key = direction + ':' + G.verbTable[G.verbs[edges[k]]];
        groups[key] = (groups[key] || 0) + 1;
      }
    });
    return Object.keys(groups)
      .sort()
      .map(function (key) {
        var parts = key.split(':');
        return { direction: parts[0], verb: parts[1], count: groups[key] };
      });
  }

  var selected = -1;
  function selectEntity(i) {
    selected = i;
    var node = cy.getElementById('n' + i);
    cy.elements().unselect();
    if (node.nonempty()) node.select();
    var groups = neighbourGroups(i);
    var buttons = groups
      .map(function (g) {
        var label = g.direction === 'out' ? g.verb + ' → (' + g.count + ')' : '← ' + g.verb + ' (' + g.count + ')';
        return '<button class="expand-button" data-direction="' + g.direction + '" data-verb="' + escapeHtml(g.verb) + '">' + escapeHtml(label) + '</button>';
      })
      .join('');
    byId('selection').innerHTML =
      '<h3 id="selected-name">' +
      escapeHtml(G.names[i]) +
      '</h3>' +
      '<p><code>' +
      escapeHtml(G.keys[i]) +
      '</code></p>' +
      '<p>' +
      escapeHtml(typeOf(i)) +
      ' (' +
      escapeHtml(classesOf(i)) +
      ')' +
      (accountOf(i) ? ', account ' + escapeHtml(accountOf(i)) : '') +
      (staleSet.has(i) ? ', <strong>stale</strong>' : '') +
      '</p>' +
      '<div class="expand"><strong>Expand neighbours</strong> (filters apply)<br>' +
      (buttons || '<span class="note">No relationships.</span>') +
      (groups.length > 1 ? '<br><button class="expand-button" data-direction="both" data-verb="">all</button>' : '') +
      '</div>' +
      '<p id="expand-status" class="note"></p><h3>Properties</h3><div id="properties" class="note">Loading…</div>';
    chunk('entities', i).then(function (entity) {
      if (selected === i) byId('properties').outerHTML = '<div id="properties">' + propertiesTable(entity) + '</div>';
    });
  }

  function selectRelationship(j) {
    selected = -1;
    byId('selection').innerHTML =
      '<h3>' +
      escapeHtml(G.names[G.from[j]]) +
      ' ' +
      escapeHtml(G.verbTable[G.verbs[j]]) +
      ' ' +
      escapeHtml(G.names[G.to[j]]) +
      '</h3>' +
      '<p>' +
      escapeHtml(G.edgeTypeTable[G.edgeTypes[j]]) +
      '</p><h3>Properties</h3><div id="properties" class="note">Loading…</div>';
    chunk('relationships', j).then(function (relationship) {
      byId('properties').outerHTML = '<div id="properties">' + propertiesTable(relationship) + '</div>';
    });
  }

  function expand(i, direction, verb) {
    var added = 0;
    var matching = 0;
    var skipped = 0;
    (direction === 'both' ? ['out', 'in'] : [direction]).forEach(function (side) {
      var edges = edgesOf(i, side);
      for (var k = 0; k < edges.length; k++) {
        var j = edges[k];
        if (verb && G.verbTable[G.verbs[j]] !== verb) continue;
        var other = side === 'out' ? G.to[j] : G.from[j];
        if (!passes(other)) {
          skipped++;
          continue;
        }
        matching++;
        if (added >= MAX_EXPAND || room() <= 0) continue;
        if (addRelationship(j, i)) added++;
      }
    });
    layout();
    var node = cy.getElementById('n' + i);
    if (node.nonempty()) node.select();
    var status = added + ' relationship' + (added === 1 ? '' : 's') + ' added';
    if (matching > added) status += ' (' + matching + ' match; at most ' + MAX_EXPAND + ' per expansion, ' + MAX_SHOWN + ' entities shown)';
    if (skipped) status += '; ' + skipped + ' left out by the filters';
    byId('expand-status').textContent = status;
  }

  function showEntity(i) {
    addEntity(i);
    layout();
    setTitle(G.names[i]);
    selectEntity(i);
  }

  /** Shows a set of entities and relationships, and the relationships among those entities. */
  function showSubgraph(title, evidence) {
    cy.elements().remove();
    cy.startBatch();
    var members = new Set(evidence.entities);
    evidence.entities.slice(0, MAX_SHOWN).forEach(function (i) {
      addEntity(i);
    });
    evidence.relationships.forEach(function (j) {
      if (room() > 0) {
        addRelationship(j);
        members.add(G.from[j]);
        members.add(G.to[j]);
      }
    });
    // Evidence given as entities only: show how they connect. Evidence with its relationships is
    // shown as given (another edge between the same entities is not evidence).
    if (evidence.relationships.length === 0) {
      members.forEach(function (i) {
        var edges = edgesOf(i, 'out');
        for (var k = 0; k < edges.length; k++) if (members.has(G.to[edges[k]]) && room() > 0) addRelationship(edges[k]);
      });
    }
    cy.endBatch();
    layout();
    var missing = evidence.missing && evidence.missing.length ? ' (' + evidence.missing.length + ' keys not in this snapshot)' : '';
    setTitle(title + missing);
    byId('selection').innerHTML =
      '<p class="note">' + cy.nodes().length + ' entities and ' + cy.edges().length + ' relationships. Select one to see its properties.</p>';
  }

  function runSaved(index) {
    var query = page.savedQueries[index];
    var rows = byId('query-rows');
    rows.textContent = '';
    if (query.type === 'error') {
      rows.innerHTML = '<p class="note">' + escapeHtml(query.error) + '</p>';
      return;
    }
    if (query.type === 'table' || query.type === 'aggregate') {
      var head =
        '<tr>' +
        query.columns
          .map(function (c) {
            return '<th>' + escapeHtml(c) + '</th>';
          })
          .join('') +
        '</tr>';
      var body = query.rows
        .map(function (row) {
          return (
            '<tr>' +
            query.columns
              .map(function (c) {
                return '<td>' + escapeHtml(JSON.stringify(row[c])) + '</td>';
              })
              .join('') +
            '</tr>'
          );
        })
        .join('');
      rows.innerHTML = '<table>' + head + body + '</table>';
      return;
    }
    showSubgraph(query.title + ': ' + query.total + ' result' + (query.total === 1 ? '' : 's'), query.evidence);
  }

  // Wiring ---------------------------------------------------------------------------------------

  var staleSet;
  function wire() {
    var input = byId('search');
    var timer;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        search(input.value);
      }, 80);
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') {
        clearTimeout(timer);
        search(input.value);
      }
    });
    [
      ['filter-class', 'cls'],
      ['filter-type', 'type'],
      ['filter-account', 'account'],
    ].forEach(function (pair) {
      byId(pair[0]).addEventListener('change', function (event) {
        filter[pair[1]] = event.target.value;
        search(input.value);
      });
    });
    document.addEventListener('click', function (event) {
      var target = event.target.closest('[data-entity], .expand-button, .run-query, .open-evidence, .entity-link, #layout, #clear');
      if (!target) return;
      if (target.classList.contains('expand-button')) expand(selected, target.dataset.direction, target.dataset.verb);
      else if (target.classList.contains('run-query')) runSaved(Number(target.dataset.query));
      else if (target.classList.contains('open-evidence')) {
        var item = page.evidence[target.dataset.evidence];
        showSubgraph(item.title, item.evidence);
        byId('explorer').scrollIntoView();
      } else if (target.classList.contains('entity-link')) {
        var i = keyIndex.get(target.dataset.key);
        if (i !== undefined) {
          showEntity(i);
          byId('explorer').scrollIntoView();
        }
      } else if (target.id === 'layout') layout();
      else if (target.id === 'clear') {
        cy.elements().remove();
        updateShown();
        setTitle('Nothing shown.');
      } else if (target.dataset.entity !== undefined) showEntity(Number(target.dataset.entity));
    });
  }

  var decodedAt;
  function start(index) {
    decodedAt = performance.now();
    G = index;
    var n = G.keys.length;
    keyIndex = new Map();
    haystack = new Array(n);
    for (var i = 0; i < n; i++) {
      keyIndex.set(G.keys[i], i);
      haystack[i] = (G.names[i] + '\n' + G.keys[i] + '\n' + G.typeTable[G.types[i]]).toLowerCase();
    }
    staleSet = new Set(G.stale);
    adjacency = buildAdjacency(n, G.from, G.to);
    var classNames = new Set();
    G.classTable.forEach(function (list) {
      list.split(',').forEach(function (name) {
        classNames.add(name);
      });
    });
    fillSelect(byId('filter-class'), Array.from(classNames));
    fillSelect(byId('filter-type'), G.typeTable);
    fillSelect(byId('filter-account'), G.accountTable);
    initGraph();
    wire();
    // Time to ready: from the script's start, and from the navigation's (what a user waits).
    body.dataset.explorerLoadMs = String(Math.round(performance.now() - started));
    body.dataset.explorerReadyMs = String(Math.round(performance.now()));
    body.dataset.explorerDecodeMs = String(Math.round(decodedAt - started));
    body.dataset.explorerIndexMs = String(Math.round(performance.now() - decodedAt));
    body.dataset.explorer = 'ready';
    byId('search-status').textContent = n.toLocaleString('en-US') + ' entities and ' + G.from.length.toLocaleString('en-US') + ' relationships indexed.';
  }

  unpack('graph-index').then(start, function (error) {
    body.dataset.explorer = 'failed';
    byId('search-status').textContent = 'The explorer could not load its index: ' + error.message;
  });

  // For tests and the curious: the explorer's state, read-only.
  window.orggraphExplorer = {
    shownEntities: function () {
      return cy
        ? cy.nodes().map(function (node) {
            return G.keys[Number(node.id().slice(1))];
          })
        : [];
    },
    shownRelationships: function () {
      return cy
        ? cy.edges().map(function (edge) {
            var j = Number(edge.id().slice(1));
            return [G.keys[G.from[j]], G.verbTable[G.verbs[j]], G.keys[G.to[j]]];
          })
        : [];
    },
  };
})();
