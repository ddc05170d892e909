import { catalogOnly } from '../../api/dissector.js';

// NetEase online games' traffic (nDPI: NetEaseGames).
// NetEase publishes no description of its games' wire formats. Catalog entry only.

export default catalogOnly('netease_games', [{ name: 'NetEaseGames', category: 'Game', kind: 'protocol', description: "NetEase online games' traffic" }]);
