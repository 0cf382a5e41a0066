"""Reference layers and models that more than one lesson uses, one family per module.

``mlp`` (the Euclidean baseline), ``scatter``, ``gcn``, ``gin`` and ``gat``
written from scratch (checked against PyG), ``pointnet``, ``pointnet2`` and
``edgeconv`` for point clouds, ``diffusion_net`` for meshes, ``group_conv``
(p4), ``egnn``, ``radial_field`` and ``schnet`` for graphs in space. Each
module gives its paper, the update rule and tensor shapes, and is tested
against PyG's layer where PyG has one and with the kit's symmetry checker for
the symmetries it claims. A model that belongs to a single lesson lives in
that lesson's subpackage instead.
"""
