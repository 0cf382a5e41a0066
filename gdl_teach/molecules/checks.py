"""Checks for lesson 06 (molecules): write the bond featurizer; write one message-passing step with bond features."""
from __future__ import annotations

from collections.abc import Callable

import torch
from rdkit import Chem

from gdl_teach.exercises.core import call_answer, check_close, exercise, expect, passed
from gdl_teach.molecules.featurize import BOND_FEATURE_NAMES, mol_from_smiles
from gdl_teach.molecules.featurize import bond_features as reference_bond_features
from gdl_teach.molecules.gnn import gine_aggregate as reference_gine_aggregate

#: Molecules whose bonds cover every bond type, conjugated and not, in rings and not.
TEST_SMILES = ["CC#N", "C=CC(=O)O", "c1ccccc1CCl", "C1CCC1C=C", "O=C1C=CC(=O)C=C1", "c1ccncc1C#CC"]


def _bond_state(bond: Chem.Bond) -> tuple[object, ...]:
    """What a featurizer reads from a bond, to see whether a learner's function changed it."""
    return bond.GetBondType(), bond.GetIsAromatic(), bond.GetIsConjugated(), bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()


@exercise(reference=reference_bond_features)
def check_bond_features(bond_features: Callable[[Chem.Bond], list[float]]) -> None:
    """Check a learner's ``bond_features(bond) -> 6 numbers`` against the kit's featurizer.

    Expected order: single, double, triple, aromatic, conjugated, in_ring.
    """
    for smiles in TEST_SMILES:
        mol = mol_from_smiles(smiles)
        for bond in mol.GetBonds():
            want = reference_bond_features(bond)  # from the check's own molecule, before the learner's code runs
            given = Chem.Mol(mol).GetBondWithIdx(bond.GetIdx())  # RDKit bonds cannot be deep-copied: copy the molecule
            got = call_answer("bond_features", bond_features, given)
            expect(_bond_state(given) == _bond_state(bond),
                   "bond_features changed the bond it was given (e.g. with SetBondType or SetIsAromatic); read "
                   "the bond's properties, never set them: it would change the learner's molecule too.")
            try:
                got_t = torch.as_tensor([float(v) for v in got])
            except (TypeError, ValueError):
                expect(False, f"bond_features must return a list of {len(want)} numbers, got {type(got).__name__}.")
            expect(got_t.shape == (len(want),),
                   f"bond_features returned {got_t.numel()} numbers; expected {len(want)}: {BOND_FEATURE_NAMES}.")
            where = f"bond {bond.GetIdx()} ({bond.GetBeginAtom().GetSymbol()}-{bond.GetEndAtom().GetSymbol()}, " \
                    f"{bond.GetBondType()}) of {smiles}"
            if bond.GetIsAromatic() and float(got_t[3]) != 1.0:
                expect(False, f"{where} is aromatic: compare bond.GetBondType() with Chem.BondType.AROMATIC "
                       "(RDKit does not call it single or double).")
            if got_t[:4].sum() != 1.0:
                expect(False, f"{where}: the first four numbers are a one-hot of the bond type "
                       "(exactly one of single, double, triple, aromatic is 1).")
            if float(got_t[4]) != want[4]:
                expect(False, f"{where}: 'conjugated' is wrong; use bond.GetIsConjugated().")
            if float(got_t[5]) != want[5]:
                expect(False, f"{where}: 'in_ring' is wrong; use bond.IsInRing().")
            check_close("bond_features", got_t, torch.tensor(want), hint=f"Order: {BOND_FEATURE_NAMES}.")
    passed("your bond featurizer matches the kit's on every bond type, conjugation and ring flag.")


def _cases() -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(6)
    chain = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])  # a 4-atom chain, both directions
    star = torch.tensor([[1, 2, 3], [0, 0, 0]])  # directed: 1, 2, 3 send to 0
    rnd = torch.randint(0, 6, (2, 14), generator=g)
    cases = []
    for edge_index, n in [(chain, 4), (star, 4), (rnd, 6)]:
        x = torch.randn(n, 5, generator=g)
        e = torch.randn(edge_index.shape[1], 5, generator=g)
        cases.append((x, edge_index, e))
    return cases


@exercise(reference=reference_gine_aggregate)
def check_gine_aggregate(gine_aggregate: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]) -> None:
    """Check a learner's ``gine_aggregate(x, edge_index, edge_emb) -> (N, F)``.

    The answer must be ``sum over edges j -> i of ReLU(x_j + e_ji)`` at each
    target ``i``; it is also compared with PyG's ``GINEConv`` (whose output is
    ``x_i`` plus this sum when its MLP is the identity and ``eps = 0``).
    """
    from torch_geometric.nn import GINEConv

    for x, edge_index, e in _cases():
        got = call_answer("gine_aggregate", gine_aggregate, x, edge_index, e)
        want = reference_gine_aggregate(x, edge_index, e)
        if isinstance(got, torch.Tensor) and got.shape == want.shape and not torch.allclose(got, want, atol=1e-5):
            no_relu = torch.zeros_like(x).index_add_(0, edge_index[1], x[edge_index[0]] + e)
            expect(not torch.allclose(got, no_relu, atol=1e-5),
                   "you summed x_j + e_ji without the ReLU; GINE applies ReLU to every message before summing.")
            wrong_way = torch.zeros_like(x).index_add_(0, edge_index[0], torch.relu(x[edge_index[1]] + e))
            expect(not torch.allclose(got, wrong_way, atol=1e-5),
                   "messages flow the wrong way: take x at the sources edge_index[0] and add the messages "
                   "at the targets edge_index[1].")
            own = torch.zeros_like(x).index_add_(0, edge_index[1], torch.relu(x[edge_index[1]] + e))
            expect(not torch.allclose(got, own, atol=1e-5),
                   "each message must carry the neighbour's state x_j = x[edge_index[0]], not the receiver's.")
        check_close("gine_aggregate", got, want, atol=1e-5,
                    hint="Row i is the sum over edges j -> i of ReLU(x[j] + edge_emb[edge]); atoms with no "
                         "incoming edge get zeros.")
        pyg = GINEConv(torch.nn.Identity(), eps=0.0)
        with torch.no_grad():
            expect(torch.allclose(got + x, pyg(x, edge_index, e), atol=1e-5),
                   "x + gine_aggregate(x, ...) should equal PyG's GINEConv(Identity()) output.")
    passed("gine_aggregate sums ReLU(x_j + e_ji) over the bonds arriving at each atom, as PyG's GINEConv does.")
